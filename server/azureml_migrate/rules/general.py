"""Rules that are not about one API (AML0xx): imports, the SDK version, the long tail."""

from __future__ import annotations

import ast

from ..astutil import parent_in
from ..fixes.lazy import cst

from .base import DOCS, MANUAL, SAFE, Check, Rule


class V1Import(Rule):
    """An import from an SDK v1 package.

    ## Migration
    Migrate every use of the imported name; the import is then removed by the fix that
    migrates the last use (or by this rule's fix, once nothing uses it).

    ## Fix safety
    Safe once the name is unused.
    """

    code = "AML001"
    name = "v1-import"
    on = "import"
    message = "`{symbol}` is imported from SDK v1"
    v2 = "azure.ai.ml / azure.ai.ml.entities / mlflow"
    url = DOCS["upgrade"]
    severity = "information"
    safety = SAFE

    def describe(self, finding) -> str:
        if finding.symbol.split(".")[1].startswith("_"):
            return f"`{finding.symbol}` is a private SDK v1 module with no v2 equivalent; migrate its uses by hand"
        if finding.facts.get("local") == "*":
            return f"`from {finding.symbol[:-2]} import *` imports SDK v1 names; import what the v2 code needs instead"
        return f"`{finding.symbol}` is imported from SDK v1; it can go once its uses are migrated"


class SdkVersion(Rule):
    """The SDK version string.

    ## Migration
    `azure.ai.ml.__version__` is the version of the v2 SDK.

    ## Fix safety
    Safe where scripts print or record it. Manual where it is compared
    (`assert azureml.core.VERSION >= "1.47"`): v2's versions are numbered differently
    (azure-ai-ml 1.x), so the same comparison would test something else.
    """

    code = "AML002"
    name = "sdk-version"
    on = "attribute"
    symbols = ("azureml.core.VERSION", "azureml.core.__version__")
    message = "`{symbol}` is the SDK v1 version; use `azure.ai.ml.__version__`"
    v2 = "azure.ai.ml.__version__"
    url = DOCS["upgrade"]
    safety = SAFE
    before = """\
import azureml.core

print("SDK version:", azureml.core.VERSION)
"""
    after = """\
import azure.ai.ml

print("SDK version:", azure.ai.ml.__version__)
"""

    def check(self, site):
        if isinstance(parent_in(site.stmt, site.node), ast.Compare):
            return Check(MANUAL, "it is compared with an SDK v1 version number; azure-ai-ml is numbered differently "
                                 "(1.x): compare with an azure-ai-ml version or remove the check")
        return Check(self.safety)

    def fix(self, node, ctx):
        ctx.need("azure.ai.ml")
        return cst.parse_expression("azure.ai.ml.__version__")


class UnmigratedApi(Rule):
    """An SDK v1 API this version of azureml-migrate cannot rewrite.

    ## Migration
    See Microsoft's "Upgrade to v2" guide and the per-area migration articles; the v2
    equivalents live in `azure.ai.ml` (`MLClient` operations), `azure.ai.ml.entities`
    and `mlflow`.

    ## Fix safety
    No automatic fix. Code that uses this object keeps depending on SDK v1, so fixes for
    the statement that created the object are held back too.
    """

    code = "AML004"
    name = "unmigrated-v1-api"
    message = "`{symbol}` is SDK v1 and has no automatic migration; see the v2 upgrade guide"
    v2 = "see the upgrade guide"
    url = DOCS["upgrade"]
    safety = MANUAL


class UnusedIgnore(Rule):
    """An `# azureml-migrate: ignore[...]` comment that silences nothing.

    ## Migration
    Remove the comment (or the codes in it that no longer match): the code it was
    written for has been migrated or moved.

    ## Fix safety
    No automatic fix.
    """

    code = "AML005"
    name = "unused-ignore"
    on = "comment"
    message = "this ignore comment silences nothing"
    v2 = "(remove the comment)"
    url = DOCS["upgrade"]
    severity = "information"
    safety = MANUAL


RULES = [V1Import, SdkVersion, UnmigratedApi, UnusedIgnore]
