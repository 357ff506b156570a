"""Publishing: the build, the DCAT-AP catalogue and VoID, and the MQA self-score."""
