"""Change-type labelling of commit messages (docs/method.md, section 2).

- :mod:`.taxonomy` — the fifteen change types, loaded from ``data/taxonomy.yaml``;
- :mod:`.rules` — the offline labeller's rules;
- :mod:`.prompts` — what the LLM labellers are asked and how their answers are read;
- :mod:`.backends` — the labellers (offline, Gemini, OpenAI-compatible) and the factory;
- :mod:`.engine` — chunks, retries of bad answers and the usage they cost;
- :mod:`.cache` — the on-disk answer cache and its text shards;
- :mod:`.plan` — the cost plan of a labelling run;
- :mod:`.reading` — the label files and the one label per commit the statistics use;
- :mod:`.checks` — agreement with gold labels and the Unlabelled commits by kind.

The stage is :mod:`ptlmsync.stages.label`.
"""
