"""pytest at the root: what is collected, and the environment every test sees."""

import os

import build_env  # docs/_ext, on the path through pyproject's [tool.pytest.ini_options] pythonpath

build_env.apply()  # threads, seeds and backends from build.env, for the tests and what they start
# Tests read English output whatever the machine's locale; a test that wants French sets it itself.
os.environ["LABKIT_LANG"] = "en"

# Importing a gallery script executes it, and docs/_ext is Sphinx glue: neither holds tests.
collect_ignore_glob = ["examples/*", "docs/auto_examples/*", "docs/_ext/*", "docs/generated/*", "_build/*", "conf.py"]
