"""The licences a project may publish under: each with its IRI in the EU licence vocabulary (the
Publications Office's licence authority table, which DCAT-AP and the MQA score want), its
labels, its IRI in DCAT-AP.de's licence vocabulary (for GovData), its ADMS licence type, and
CKAN's `license_id` where CKAN's default register has the licence.

These are the open licences European municipal data is published under, Datenlizenz
Deutschland among them. The table was written from the vocabularies' published codes; the
authority table itself (some 150 licences, most of them for software or one country's works)
could not be fetched here, so a licence missing from this table is refused with the list of
accepted ones, rather than published with a label twingraph cannot give.
"""

from __future__ import annotations

from dataclasses import dataclass

EU_LICENCE = "http://publications.europa.eu/resource/authority/licence/"
DCAT_AP_DE_LICENCE = "http://dcat-ap.de/def/licenses/"
ADMS_LICENCE_TYPE = "http://purl.org/adms/licencetype/"


@dataclass(frozen=True)
class Licence:
    """One licence of the table."""

    code: str  # the EU authority code, such as DL_DE_BY_2_0
    title_en: str
    title_de: str
    dcat_ap_de: str  # its code in DCAT-AP.de's vocabulary ("other-open" where that has none of its own)
    licence_type: str  # ADMS: Attribution or PublicDomain
    ckan_id: str | None = None  # CKAN's default licence register, where it has the licence

    @property
    def iri(self) -> str:
        return EU_LICENCE + self.code

    @property
    def dcat_ap_de_iri(self) -> str:
        return DCAT_AP_DE_LICENCE + self.dcat_ap_de

    @property
    def licence_type_iri(self) -> str:
        return ADMS_LICENCE_TYPE + self.licence_type


_TABLE = (
    Licence("CC0", "Creative Commons CC0 1.0 Universal", "Creative Commons CC0 1.0 Universell", "cc-zero",
            "PublicDomain", "cc-zero"),
    Licence("CC_BY_4_0", "Creative Commons Attribution 4.0 International",
            "Creative Commons Namensnennung 4.0 International", "cc-by/4.0", "Attribution", "cc-by"),
    Licence("CC_BYSA_4_0", "Creative Commons Attribution-ShareAlike 4.0 International",
            "Creative Commons Namensnennung – Weitergabe unter gleichen Bedingungen 4.0 International",
            "cc-by-sa/4.0", "Attribution", "cc-by-sa"),
    Licence("CC_BYND_4_0", "Creative Commons Attribution-NoDerivatives 4.0 International",
            "Creative Commons Namensnennung – Keine Bearbeitungen 4.0 International", "cc-by-nd/4.0", "Attribution"),
    Licence("CC_BYNC_4_0", "Creative Commons Attribution-NonCommercial 4.0 International",
            "Creative Commons Namensnennung – Nicht kommerziell 4.0 International", "cc-by-nc/4.0", "Attribution",
            "cc-nc"),
    Licence("DL_DE_BY_2_0", "Data licence Germany – attribution – version 2.0",
            "Datenlizenz Deutschland – Namensnennung – Version 2.0", "dl-by-de/2.0", "Attribution"),
    Licence("DL_DE_ZERO_2_0", "Data licence Germany – Zero – version 2.0",
            "Datenlizenz Deutschland – Zero – Version 2.0", "dl-zero-de/2.0", "PublicDomain"),
    Licence("ODC_BY", "Open Data Commons Attribution License 1.0",
            "Open Data Commons Attribution License 1.0", "other-open", "Attribution", "odc-by"),
    Licence("ODC_PDDL", "Open Data Commons Public Domain Dedication and License 1.0",
            "Open Data Commons Public Domain Dedication and License 1.0", "other-open", "PublicDomain", "odc-pddl"),
    Licence("OGL_3_0", "Open Government Licence v3.0", "Open Government Licence v3.0", "other-open",
            "Attribution", "uk-ogl"),
)  # fmt: skip

LICENCES: dict[str, Licence] = {licence.iri: licence for licence in _TABLE}


def licence(value: str) -> Licence | None:
    """The licence an IRI of the table, or its code (DL_DE_BY_2_0), names."""
    return LICENCES.get(value) or LICENCES.get(EU_LICENCE + value)


def accepted() -> str:
    """The accepted licences, for an error message: their codes."""
    return ", ".join(licence.code for licence in _TABLE)
