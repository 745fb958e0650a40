"""Persian text for spaCy: one normalization table, the tokenizer, lexical attributes, sentence starts, verb forms."""
