"""Analysis: import spellings, bindings across statements and scopes, what is left alone,
and bad input that must never crash."""

from __future__ import annotations

import pytest

from azureml_migrate.config import DEFAULT, Settings
from azureml_migrate.engine import analyze, fix_all


def codes(source: str) -> list[tuple[str, str]]:
    return [(f.code, f.symbol) for f in analyze(source).visible if f.code != "AML001"]


@pytest.mark.parametrize(
    "source",
    [
        "from azureml.core import Workspace\nws = Workspace.from_config()\n",
        "from azureml.core.workspace import Workspace\nws = Workspace.from_config()\n",
        "import azureml.core\nws = azureml.core.Workspace.from_config()\n",
        "import azureml.core as aml\nws = aml.Workspace.from_config()\n",
        "from azureml.core import Workspace as W\nws = W.from_config()\n",
        "from azureml.core import *\nws = Workspace.from_config()\n",
        "from azureml import core\nws = core.Workspace.from_config()\n",
        "import azureml.core.workspace as wsmod\nws = wsmod.Workspace.from_config()\n",
    ],
)
def test_every_import_spelling_resolves_to_the_public_symbol(source):
    assert codes(source) == [("AML101", "azureml.core.Workspace.from_config")]


def test_run_from_submodule_and_conda_dependencies_reexport():
    src = (
        "from azureml.core.run import Run\nfrom azureml.core.runconfig import CondaDependencies\n"
        "run = Run.get_context()\nrun.log('a', 1)\ncd = CondaDependencies.create(pip_packages=['x'])\n"
    )
    assert codes(src) == [
        ("AML701", "azureml.core.Run.get_context"),
        ("AML702", "azureml.core.Run.log"),
        ("AML306", "azureml.core.conda_dependencies.CondaDependencies.create"),
    ]


def test_names_in_strings_and_comments_are_not_findings():
    src = (
        "# ws = Workspace.from_config()\n"
        "doc = 'from azureml.core import Run; Run.get_context().log(1)'\n"
        "import azureml_migrate_notes  # azureml\n"
    )
    assert analyze(src).visible == []


@pytest.mark.parametrize(
    "module",
    ["azureml.automl.core.featurization", "azureml.rag.mlindex", "azureml.featurestore", "azureml.metrics",
     "azureml.mlflow", "azureml.fsspec"],
)
def test_non_v1_azureml_namespaces_are_left_alone(module):
    src = f"import {module}\nfrom {module} import Thing\nThing.get_context().log('a', 1)\n"
    assert analyze(src).visible == []


def test_shadowing_by_a_v2_import_is_respected():
    src = (
        "from azureml.core import Environment\n"
        "from azure.ai.ml.entities import Environment\n"
        "env = Environment(name='x', image='img')\n"
    )
    assert codes(src) == []


def test_bindings_flow_into_functions_and_respect_local_rebinding():
    src = (
        "from azureml.core import Run\n"
        "run = Run.get_context()\n"
        "def a():\n    run.log('x', 1)\n"
        "def b(run):\n    run.log('y', 2)\n"  # a parameter: not the v1 run
        "def c():\n    run = object()\n    run.log('z', 3)\n"
    )
    found = [(f.code, f.span.line) for f in analyze(src).visible if f.code != "AML001"]
    assert found == [("AML701", 2), ("AML702", 4)]


def test_ambiguous_module_binding_is_not_guessed_in_functions():
    src = (
        "from azureml.core import Run, Workspace\n"
        "if cond:\n    thing = Run.get_context()\nelse:\n    thing = Workspace.from_config()\n"
        "def f():\n    thing.log('x', 1)\n"
    )
    assert ("AML702", "azureml.core.Run.log") not in codes(src)


def test_attribute_writes_on_bindings():
    src = (
        "from azureml.core import Environment\n"
        "env = Environment('e')\nenv.docker.base_image = 'img'\nenv.python.interpreter_path = '/x'\n"
    )
    assert codes(src) == [
        ("AML301", "azureml.core.Environment"),
        ("AML307", "azureml.core.Environment.docker.base_image"),
        ("AML004", "azureml.core.Environment.python.interpreter_path"),
    ]


def test_unknown_v1_apis_are_reported_not_skipped_and_block_their_group():
    src = (
        "from azureml.core import Workspace\n"
        "ws = Workspace.from_config()\nws.update(friendly_name='x')\n"
    )
    found = {f.code: f for f in analyze(src).visible}
    assert found["AML004"].symbol == "azureml.core.Workspace.update"
    assert found["AML101"].fix_safety is None
    assert "line 3" in found["AML101"].blocked


def test_ignore_comment_suppresses_one_code_on_its_line():
    src = (
        "from azureml.core import Run\n"
        "run = Run.get_context()\n"
        "run.log('a', 1)  # azureml-migrate: ignore[AML702]\n"
        "run.log('b', 2)  # azureml-migrate: ignore[AML999]\n"
    )
    lines = [f.span.line for f in analyze(src).visible if f.code == "AML702"]
    assert lines == [4]


def test_select_and_ignore_settings():
    src = "from azureml.core import Run\nrun = Run.get_context()\nrun.log('a', 1)\n"
    only = Settings(select=("AML7",))
    assert {f.code for f in analyze(src, only).visible} == {"AML701", "AML702"}
    assert {f.code for f in analyze(src, Settings(ignore=("AML70",))).visible} == {"AML001"}


def test_settings_merge_reports_bad_values_and_keeps_defaults():
    settings, problems = DEFAULT.merged({"select": "AML1", "unsafeFixes": "yes", "color": 1, "defaultImage": "img"})
    assert settings.select == () and settings.unsafe_fixes is False and settings.default_image == "img"
    assert len(problems) == 3


@pytest.mark.parametrize(
    "source",
    [
        "from azureml.core import Run\nrun = Run.get_context(\n",  # half typed
        "from azureml.core import Run\n\x00\n",
        "from azureml.core import Run\nx = " + "(" * 300 + "1" + ")" * 300 + "\n",
        "from azureml.core import Run\nrun = Run.get_context()\nrun.log('a', " + "[" * 2000 + "]" * 2000 + ")\n",
        "from azureml.core import Run\r\nrun = Run.get_context()\r\n\trun.log('a', 1)\r\n",
        "from azureml.core import Run\nrun = Run.get_context()\nrun.log(**{})\nrun.log()\nrun.log(*a)\n",
        "from azureml.core import Run\ndef f(\n",
        "azureml = 1\nazureml.core.Run.get_context()\n",
    ],
)
def test_bad_input_never_raises(source):
    analysis = analyze(source)
    if analysis.syntax_error is None:
        fix_all(analysis, DEFAULT, True)


def test_syntax_error_is_reported_with_a_position():
    analysis = analyze("from azureml.core import Run\nrun = Run.get_context(\n")
    assert analysis.visible == [] and "line" in analysis.syntax_error
    assert analysis.syntax_error_span is not None


def test_crlf_is_kept_by_fixes():
    src = "from azureml.core import Run\r\nrun = Run.get_context()\r\nrun.log('a', 1)\r\n"
    out, _ = fix_all(analyze(src), DEFAULT, True)
    assert out == "import mlflow\r\nmlflow.log_metric('a', 1)\r\n"


def test_file_without_azureml_is_skipped_before_parsing():
    analysis = analyze("def f(:\n")  # would not parse: the gate never gets there
    assert analysis.syntax_error is None and analysis.visible == []


def test_repeated_assignment_is_seen_by_later_functions_and_fix_is_idempotent():
    # Found in Microsoft's samples: `run = Run.get_context()` twice, `run.log` in a callback.
    src = (
        "from azureml.core import Run\nrun = Run.get_context()\ndata = run.input_datasets['x']\n"
        "run = Run.get_context()\ndef f(log):\n    run.log('Loss', log)\n"
    )
    out, _ = fix_all(analyze(src), DEFAULT, True)
    assert "    mlflow.log_metric('Loss', log)" in out
    assert "data = run.input_datasets['x']" in out and "run = Run.get_context()" in out
    assert fix_all(analyze(out), DEFAULT, True)[0] == out


def test_bindings_a_function_may_see_are_not_removed_when_ambiguous():
    src = (
        "from azureml.core import Run, Workspace\nif c:\n    run = Run.get_context()\nelse:\n"
        "    run = Workspace.from_config()\ndef f(log):\n    run.log('Loss', log)\n"
    )
    out, _ = fix_all(analyze(src), DEFAULT, True)
    assert out == src


def test_a_binding_passed_to_a_v1_call_that_stays_v1_is_not_converted():
    # From Microsoft's keras sample: the ScriptRunConfig cannot be migrated (dataset
    # arguments), so the environment it receives must stay a v1 Environment.
    src = (
        "from azureml.core import Environment, ScriptRunConfig\n"
        "env = Environment.from_conda_specification(name='k', file_path='c.yml')\n"
        "args = ['--data', dataset.as_named_input('m').as_mount()]\n"
        "src = ScriptRunConfig(source_directory='.', script='t.py', arguments=args, environment=env)\n"
    )
    found = {f.code: f for f in analyze(src).visible}
    assert found["AML302"].fix_safety is None
    assert "passed to `azureml.core.ScriptRunConfig` on line 4" in found["AML302"].blocked
    assert fix_all(analyze(src), DEFAULT, True)[0] == src


def test_shared_closures_equal_a_plain_search_from_every_finding():
    import sys
    from pathlib import Path

    from azureml_migrate.analysis import plan as plan_module

    sys.path.insert(0, str(Path(__file__).parent))
    from benchmark import v1_file

    sources = [p.read_text() for p in sorted((Path(__file__).parent / "fixtures").glob("*.before.py"))]
    for source in [*sources, v1_file(300)]:
        analysis = analyze(source)
        requires: dict[int, list] = {}
        captured = {}
        original = plan_module._closures

        def spy(starts, req):
            captured["req"] = req
            return original(starts, req)

        plan_module._closures = spy
        try:
            analysis = analyze(source)
        finally:
            plan_module._closures = original
        requires = captured.get("req", {})
        for f in analysis.findings:
            if f.absorbed_by is not None or f.rule.on == "import":
                continue
            seen, stack = {}, [f]
            while stack:
                g = stack.pop()
                if id(g) not in seen:
                    seen[id(g)] = g
                    stack.extend(requires.get(id(g), ()))
            assert {id(g) for g in f.closure} == set(seen)


# -- found by running Microsoft's migrated samples on the real azure-ai-ml --------------------


def test_a_v1_class_used_in_an_annotation_keeps_its_import():
    """Annotations run when the function is defined: removing the import was a NameError."""
    source = ("from azureml.core.experiment import Experiment\n\n\n"
              "def build(experiment: Experiment) -> None:\n    print(experiment)\n")
    out, problems = fix_all(analyze(source), DEFAULT, True)
    assert problems == [] and out == source


def test_two_workspaces_alive_together_get_two_clients():
    source = ("from azureml.core import Workspace\n\nws = Workspace.from_config()\n"
              'other_ws = Workspace(subscription_id="s", resource_group="rg", workspace_name="other")\n'
              "print(ws.name, other_ws.name)\n")
    out, _ = fix_all(analyze(source), DEFAULT, True)
    assert "ml_client = MLClient.from_config(" in out and "other_ws = MLClient(" in out
    assert "print(ml_client.workspace_name, other_ws.workspace_name)" in out


def test_an_inline_v1_object_stays_v1_while_a_member_used_on_it_does():
    """`Environment.get(...).clone(...)`: v2 environments have no clone()."""
    source = ("from azureml.core import Environment, Workspace\n\nws = Workspace.from_config()\n"
              'env = Environment.get(workspace=ws, name="base").clone("mine")\n')
    a = analyze(source)
    (get,) = [f for f in a.visible if f.code == "AML306" or f.symbol.endswith("Environment.get")]
    assert get.fix_safety is None and "line 4" in (get.blocked or "")
    assert fix_all(a, DEFAULT, True)[0] == source


def test_added_imports_go_above_the_first_use_not_where_a_later_v1_import_was():
    source = ("from azureml.core import Workspace\n\nws = Workspace.from_config()\n\n"
              "from azureml.core.authentication import InteractiveLoginAuthentication\n\n"
              'auth = InteractiveLoginAuthentication(tenant_id="t")\nprint(auth, ws.name)\n')
    out, _ = fix_all(analyze(source), DEFAULT, True)
    assert out.index("from azure.ai.ml import MLClient") < out.index("MLClient.from_config(")
    assert out.index("import DefaultAzureCredential") < out.index("DefaultAzureCredential()")


def test_a_compared_sdk_version_is_left_for_a_person():
    """`azureml.core.VERSION >= "1.47"` would compare azure-ai-ml 1.x with a v1 number."""
    source = 'import azureml.core\n\nassert azureml.core.VERSION >= "1.47", "upgrade"\nprint(azureml.core.VERSION)\n'
    findings = [f for f in analyze(source).visible if f.code == "AML002"]
    assert [f.fix_safety for f in findings] == [None, "safe"]
    assert "numbered differently" in findings[0].message


def test_a_v1_call_assigned_to_a_v1_attribute_that_stays_v1_stays_v1():
    """`env.python.conda_dependencies = CondaDependencies.create(...)` with `env` kept v1:
    a dict there breaks v1 (and the `.add_channel` after it)."""
    source = ('from azureml.core import Environment\nfrom azureml.core.conda_dependencies import CondaDependencies\n\n'
              'env = Environment("my-env")\n'
              'env.python.conda_dependencies = CondaDependencies.create(pip_packages=["numpy"])\n'
              'env.python.conda_dependencies.add_channel("conda-forge")\n')
    (create,) = [f for f in analyze(source).visible if f.code == "AML306"]
    assert create.fix_safety is None
    assert fix_all(analyze(source), DEFAULT, True)[0] == source


def test_a_workspace_assigned_in_try_and_except_is_not_renamed_in_one_branch():
    """`try: ws = from_config()` / `except: ws = Workspace.create(...)` then `ws.x`: renaming
    only the first branch left `ws` undefined on the normal path (aex setup-workspace.py)."""
    source = ("from azureml.core import Workspace\n\ntry:\n    ws = Workspace.from_config()\nexcept Exception:\n"
              '    ws = Workspace.create("w", subscription_id="s", resource_group="rg")\n\nprint(ws.name)\n')
    assert fix_all(analyze(source), DEFAULT, True)[0] == source
    same = source.replace('Workspace.create("w", subscription_id="s", resource_group="rg")',
                          'Workspace.get("w", subscription_id="s", resource_group="rg")')
    out = fix_all(analyze(same), DEFAULT, True)[0]
    assert out.count("ml_client = MLClient") == 2 and "print(ml_client.workspace_name)" in out


def test_numpy_strings_logged_with_run_log_become_tags():
    source = ("import numpy as np\nfrom azureml.core import Run\n\nrun = Run.get_context()\n"
              'run.log("kernel", np.str_(kernel))\n')
    (log,) = [f for f in analyze(source).visible if f.code.startswith("AML70") and "log" in f.symbol]
    assert log.fix_safety == "unsafe"
    assert 'mlflow.set_tag("kernel", np.str_(kernel))' in fix_all(analyze(source), DEFAULT, True)[0]


@pytest.mark.parametrize("source", [
    "[1, 'a', -2, (3, 4)]", "(1,)", "()", "{1, 2}", "{1, [2]}", "[x]", "[*a]", "[1, {'a': 2}]", "[[[]]]",
    "{()}", "((1, 2), [3, {4}])", "[1+2j]", "[f'x']", "[set()]", "[b'1', None, True]", "(a.b, 1)",
])
def test_literal_answers_as_literal_eval(source):
    """`astutil.literal` reads lists, tuples and sets itself (checks ask it of every
    argument): its answer must stay `ast.literal_eval`'s."""
    import ast

    from azureml_migrate.astutil import literal

    expr = ast.parse(source, mode="eval").body
    try:
        expected = (True, ast.literal_eval(expr))
    except (ValueError, TypeError):
        expected = (False, None)
    assert literal(expr) == expected


@pytest.mark.parametrize("source", [
    "x = call(a,\n         b)\n", "x = 'é' + f(ü,\r\n  ñ)\r\n", "if a:\n\tvalue = {1: [2,\n\t\t3]}\n",
    "s = '''\none\ntwo'''\n", "y = 1; z = (\n  2)\n", "\fw = [\n 1]\n", "q = 'ß'\rr = (1,\r 2)\r",
])
def test_source_segments_are_ast_get_source_segment(source):
    """`Lines.segment` (rules read argument text through it) gives what
    `ast.get_source_segment` does, for every node, padded or not."""
    import ast

    from azureml_migrate.text import Lines

    lines = Lines(source)
    for node in ast.walk(ast.parse(source)):
        for padded in (False, True):
            assert lines.segment(node, padded=padded) == ast.get_source_segment(source, node, padded=padded)


def test_fast_walks_visit_what_ast_walk_visits_in_its_order():
    """`astutil.walk` and `naming_walk` (the scans of whole scopes) are `ast.walk` and a
    filter over it, written for speed: same nodes, same order, same names bound."""
    import ast
    from pathlib import Path

    from azureml_migrate.astutil import DEFINITIONS, names_bound, naming_walk, walk

    source = (Path(__file__).parent / "benchmark.py").read_text() + '''
match x:
    case {"a": 1, **rest}: pass
    case [1, *others] as whole: pass
try:
    pass
except E:
    pass
except F as err:
    pass
def f(a, /, b, *c, d, **e):
    global g
    def inner():
        nonlocal a
h = lambda q: q
import a.b as c, d.e
from m import (n as o, p)
'''
    tree = ast.parse(source)
    assert walk(tree) == list(ast.walk(tree))
    expected = [(n, names_bound(n)) for n in ast.walk(tree)
                if names_bound(n) or type(n) is ast.Name or isinstance(n, DEFINITIONS)]
    assert [(n, b) for n, b in naming_walk(tree)] == expected
    assert {"rest", "others", "whole", "err", "g", "a", "c", "d", "o", "p", "h", "inner"} <= {
        name for _, bound in naming_walk(tree) for name in bound}


def test_frequent_v1_uses_without_a_fix_get_their_own_guidance():
    """Uses that Microsoft's samples make often and no fix can migrate get a rule of their
    own (what to write in v2), not the generic AML004; nothing about them is rewritten."""
    source = '''from azureml.core import Run, Environment
from azureml.core.conda_dependencies import CondaDependencies

run = Run.get_context()
data = run.input_datasets["raw"]
ws = run.experiment.workspace
conda = CondaDependencies()
conda.add_pip_package("numpy")
env = Environment("train")
env.python.conda_dependencies.add_conda_package("scipy")
'''
    analysis = analyze(source)
    found = {(f.span.line, f.code) for f in analysis.visible if f.code in ("AML716", "AML717", "AML308", "AML004")}
    assert found == {(5, "AML716"), (6, "AML717"), (7, "AML004"), (8, "AML308"), (10, "AML308")}
    messages = {f.code: f.message for f in analysis.visible}
    assert "${{inputs.<name>}}" in messages["AML716"] and "argparse" in messages["AML716"]
    assert "AZUREML_ARM_WORKSPACE_NAME" in messages["AML717"]
    assert "conda_file" in messages["AML308"]
    assert all(f.fix_safety is None for f in analysis.visible if f.code in ("AML716", "AML717", "AML308"))
    assert fix_all(analysis, DEFAULT, True)[0].count("add_pip_package") == 1
