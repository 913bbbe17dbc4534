"""numbers.json: every scalar the paper quotes; metadata.json: the run's source and files;
the comparison with the original study."""

from ptlmsync.logs import log_to
from ptlmsync.stages.paper import compile_numbers

with log_to(snakemake.log[0]):
    optional = (
        "validation",
        "sensitivity",
        "resolution",
        "label_validation",
        "label_usage",
        "study_validation",
        "unlabelled_kinds",
        "crawl_status",
        "crawl_rejected",
        "drift",
        "crawl_links",
    )
    compile_numbers(
        tables=snakemake.input.tables,
        families=snakemake.input.families,
        switches=snakemake.input.switches,
        meta=snakemake.input.meta,
        excluded=snakemake.input.excluded,
        contributors=snakemake.input.contributors,
        **{key: getattr(snakemake.input, key) or None for key in optional},
        numbers_out=snakemake.output.numbers,
        metadata_out=snakemake.output.metadata,
        comparison_out=snakemake.output.comparison,
        funnel_out=snakemake.output.funnel,
        sensitivity_out=snakemake.output.sensitivity or None,
        resolution_out=snakemake.output.resolution or None,
        run=snakemake.params.run,
    )
