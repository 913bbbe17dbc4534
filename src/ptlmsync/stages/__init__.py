"""Stage entry points, one module per ``rules/<stage>.smk``: each function reads a rule's
declared files, calls the pure modules and writes the rule's outputs. The scripts in
``workflow/scripts/`` call exactly one of them, passing the files by keyword; the tests
call them directly."""
