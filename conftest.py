"""pytest at the root: what is collected, and the environment every test sees."""

import os

os.environ.setdefault("DGLBACKEND", "pytorch")  # DGL otherwise writes ~/.dgl/config.json and warns
os.environ.setdefault("MPLBACKEND", "Agg")
# Tests read English output whatever the machine's locale; a test that wants French sets it itself.
os.environ["LABKIT_LANG"] = "en"

# Importing a gallery script executes it, and docs/_ext is Sphinx glue: neither holds tests.
collect_ignore_glob = ["examples/*", "docs/auto_examples/*", "docs/_ext/*", "docs/generated/*", "_build/*", "conf.py"]
