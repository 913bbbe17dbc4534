# ptlm-sync: when do Hugging Face model repositories follow their upstream GitHub code?
# The Snakefile is a table of contents; the logic lives in the ptlmsync package.
from pathlib import Path

from snakemake.utils import min_version, validate

from ptlmsync.config import check_renamed_keys, coerce_cli_strings, load_schema

min_version("9.0")


configfile: "config/config.yaml"


CONFIG_SCHEMA = "workflow/schemas/config.schema.yaml"
check_renamed_keys(config)
coerce_cli_strings(config, load_schema(Path(workflow.basedir) / CONFIG_SCHEMA))


validate(config, CONFIG_SCHEMA)


include: "rules/common.smk"


if REPLICATION:

    include: "rules/replication.smk"

else:

    include: "rules/crawl.smk"
    include: "rules/collect.smk"
    include: "rules/label.smk"
    include: "rules/sync.smk"
    include: "rules/propagation.smk"


include: "rules/stats.smk"
include: "rules/paper.smk"


rule all:
    default_target: True
    input:
        final_outputs(),
