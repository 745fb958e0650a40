"""Records in and tasks out: input files, Prodigy tasks and hashes, Label Studio tasks and exports."""
