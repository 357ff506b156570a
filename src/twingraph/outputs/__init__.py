"""Writing outputs so that nothing is lost: a file whole or not at all, a folder swapped in whole,
nothing replaced that twingraph did not write, no command over its own inputs. `build`, `site`,
`export`, the imports and every `-o` use these rooms and no others."""
