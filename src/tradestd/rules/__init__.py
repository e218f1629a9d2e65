"""Business rules: code lists, identifiers with check digits, cross-field rules, rule packs.

Public surface::

    from tradestd.rules import rule, Finding, MessageView, RuleRunner, RuleSettings, load_pack

Write a rule as a function of a :class:`MessageView` decorated with :func:`rule`; collect
rules into packs (a module, a Schematron file, or the bundled ``wco``, ``declaration``,
``response``, ``cargo`` and ``precursor`` packs); run them with :class:`RuleRunner`, the
rules layer of :class:`tradestd.Validator`.
"""

from .catalog import (
                      BUNDLED_PACKS,
                      Pack,
                      RulePackError,
                      bundled_pack,
                      bundled_packs,
                      load_pack,
                      load_rule_module,
)
from .engine import Finding, Rule, RulePack, Scope, rule
from .runner import RULE_CRASHED, RuleRunner, default_rules
from .settings import RuleSettings
from .view import MessageView, child, child_text, children, decimal, local, text

__all__ = [
                      "BUNDLED_PACKS",
                      "RULE_CRASHED",
                      "Finding",
                      "MessageView",
                      "Pack",
                      "Rule",
                      "RulePack",
                      "RulePackError",
                      "RuleRunner",
                      "RuleSettings",
                      "Scope",
                      "bundled_pack",
                      "bundled_packs",
                      "child",
                      "child_text",
                      "children",
                      "decimal",
                      "default_rules",
                      "load_pack",
                      "load_rule_module",
                      "local",
                      "rule",
                      "text",
]
