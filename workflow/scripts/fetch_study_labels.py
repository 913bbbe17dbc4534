"""Fetch the original study's hand-labelled commits and check their SHA-256."""

from ptlmsync.logs import log_to
from ptlmsync.study_files import fetch_study_labels

with log_to(snakemake.log[0]):
    fetch_study_labels(dest_dir=snakemake.output.labels)
