"""Fetch the original study's published files and check their SHA-256."""

from ptlmsync.logs import log_to
from ptlmsync.study_files import fetch_study_files

with log_to(snakemake.log[0]):
    fetch_study_files(base_url=snakemake.params.url, dest_dir=snakemake.output.package)
