"""Annotations back into spaCy: conversion, training, scores.

One conversion path, in the order data flows through it:

* `align`     – character spans onto tokens (the one aligner);
* `iob`       – token-per-line IOB/BIO/BILUO corpora;
* `tasks`, `relations` – Prodigy tasks (db-out, or our output) as Docs;
* `convert`   – any input format (docbin, prodigy, gold, iob) as Docs;
* `split`     – the train/dev split, by input;
* `docbin`    – writing and reading `.spacy` files;
* `stats`     – what a conversion read, kept and could not align;
* `export`    – `annotator export`: tasks to train.spacy / dev.spacy;
* `config`, `train`, `vectors`, `features` – configs, spaCy's `train`, the
  trained model with our rules, floret vectors, the lexicon feature;
* `evaluate`  – scores with spaCy's `Scorer`, claims as score.py counts them.
"""
