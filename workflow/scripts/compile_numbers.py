"""numbers.json: every scalar the paper quotes; metadata.json: the run's source and files;
the tables of compile_numbers (the funnel, the comparison with the original study)."""

from ptlmsync.logs import log_to
from ptlmsync.stages.paper import compile_numbers

with log_to(snakemake.log[0]):
    compile_numbers(
        inputs=dict(snakemake.input.items()),
        tables=snakemake.output.tables,
        numbers_out=snakemake.output.numbers,
        metadata_out=snakemake.output.metadata,
        run=snakemake.params.run,
    )
