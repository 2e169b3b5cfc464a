"""Stage 1: read the records (strict YAML, schema), build the models, check markers and relations."""
