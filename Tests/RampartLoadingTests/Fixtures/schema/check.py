#!/usr/bin/python3
"""Validates YAML files against Rampart's JSON Schemas with Debian's python3-jsonschema, reading
YAML as an editor's yaml-language-server does (YAML 1.2: only true/false are booleans, so a key
`on:` stays text). Input lines: DOCUMENT<TAB>PATH; output lines: PATH<TAB>ok or PATH<TAB>no: why."""
import json, re, sys
import yaml
from jsonschema import Draft202012Validator

class Loader(yaml.SafeLoader):
    pass

# YAML 1.2 core booleans only.
Loader.yaml_implicit_resolvers = {k: [(tag, rx) for tag, rx in v if tag != 'tag:yaml.org,2002:bool']
                                  for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
Loader.add_implicit_resolver('tag:yaml.org,2002:bool', re.compile(r'^(?:true|True|TRUE|false|False|FALSE)$'), list('tTfF'))
# Rampart's own tag: `!env NAME` is a secret read from the environment (text to a schema).
Loader.add_constructor('!env', lambda loader, node: loader.construct_scalar(node))

schemas = {}
for name in ('inventory', 'playbook', 'role'):
    with open(f'{sys.argv[1]}/rampart-{name}.schema.json') as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    schemas[name] = Draft202012Validator(schema)

for line in sys.stdin:
    document, path = line.rstrip('\n').split('\t')
    try:
        with open(path) as f:
            data = yaml.load(f, Loader=Loader)
        errors = sorted(schemas[document].iter_errors(data), key=lambda e: list(e.path))
        if errors:
            best = errors[0]
            print(f'{path}\tno: {"/".join(map(str, best.path))}: {best.message[:200]}')
        else:
            print(f'{path}\tok')
    except yaml.YAMLError as e:
        print(f'{path}\tno: YAML: {str(e).splitlines()[0]}')
    sys.stdout.flush()
