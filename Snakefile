# ptlm-sync: when do Hugging Face model repositories follow their upstream GitHub code?
# The Snakefile is a table of contents; the logic lives in the ptlmsync package.
from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config/config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


include: "rules/common.smk"
include: "rules/collect.smk"
include: "rules/label.smk"
include: "rules/sync.smk"
include: "rules/stats.smk"
include: "rules/paper.smk"


rule all:
    default_target: True
    input:
        final_outputs(),
