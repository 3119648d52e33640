"""Loading the rules catalogue: questions, lessons and calls point at its rules, and content that
names an unknown rule, or a legal item that names none, is refused.
"""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from courses.curriculum.loading import load_curriculum
from courses.models import Module, Step
from tests.curriculum.support import errors_for


def required_module(builder):
    """A module required for certification: held to the legal standard."""
    builder.course(modules=["module-1"])
    builder.required_module()


@pytest.mark.django_db
class TestRulesCatalogue:
    def test_rules_load_and_items_point_at_them(self, builder):
        from courses.models import Question, RoleplayScript, Rule

        required_module(builder)
        load_curriculum(builder.root)
        assert Rule.objects.count() == 9
        question = Question.objects.get(key="registry-permanent")
        assert list(question.rules.values_list("slug", flat=True)) == ["registry-permanent"]
        assert question.citation == "15 U.S.C. 6155"
        lesson = Step.objects.get(slug="intro")
        assert list(lesson.rules.values_list("slug", flat=True)) == ["fcc-calling-hours"]
        call = Step.objects.get(slug="call")
        assert set(call.rules.values_list("slug", flat=True)) == {
            "tsr-disclosures",
            "finra-2150b",
            "fcc-company-dnc-honor",
        }
        reply = RoleplayScript.objects.get().parsed().reply("objection.2")
        assert (reply.rules, reply.citation) == (("finra-2150b",), "FINRA Rule 2150(b)")

    def test_an_inline_reference_shows_the_catalogues_citation(self, builder):
        builder.simple(lessons=1)
        builder.write(
            "basics/module-1/lesson-1.md",
            "---\ntitle: Hours\n---\nNo calls after 9 p.m. ([[fcc-calling-hours]]).\n",
        )
        load_curriculum(builder.root)
        lesson = Step.objects.get()
        assert (
            '<cite class="rule" title="Calling hours">47 CFR 64.1200(c)(1)</cite>'
            in lesson.body_html
        )
        # Cited in passing is not taught: the rules a lesson teaches are those its header lists.
        assert not lesson.rules.exists()

    @pytest.mark.parametrize(
        "file, change, expected",
        [
            (
                "basics/module-1/intro.md",
                ("rules: [fcc-calling-hours]\n", ""),
                "intro.md: rules: a lesson of a module required for certification lists the rules",
            ),
            (
                "basics/module-1/check.yaml",
                ("    rules: [registry-permanent]\n", ""),
                "check.yaml: questions.0.rules: question 'registry-permanent': a question of a "
                "module required for certification names the rules",
            ),
            (
                "basics/module-1/check.yaml",
                ("        feedback: Registrations do not lapse.\n", ""),
                "check.yaml: questions.0.choices.2.feedback: question 'registry-permanent': in a "
                "module required for certification every wrong choice says why it is wrong",
            ),
            (
                "basics/module-1/call.yaml",
                (
                    "        feedback: You did not say who you are or why you called.\n"
                    "        rules: [tsr-disclosures]\n",
                    "        feedback: You did not say who you are or why you called.\n",
                ),
                "call.yaml: nodes.opening.replies.1.rules: reply 'opening.2': a reply scored on "
                "compliance in a module required for certification names its rules",
            ),
        ],
    )
    def test_a_required_module_is_held_to_the_legal_standard(self, builder, file, change, expected):
        required_module(builder)
        path = builder.root / file
        text = path.read_text()
        assert change[0] in text
        path.write_text(text.replace(change[0], change[1], 1))
        assert any(expected in error for error in errors_for(builder)), errors_for(builder)

    def test_load_content_check_refuses_an_unknown_rule_id(self, builder, capsys):
        required_module(builder)
        quiz = builder.root / "basics/module-1/check.yaml"
        quiz.write_text(quiz.read_text().replace("[registry-permanent]", "[registry-forever]"))
        with pytest.raises(CommandError, match="nothing was loaded"):
            call_command("load_content", root=builder.root, check=True)
        assert (
            "content/basics/module-1/check.yaml: questions.0.rules: question 'registry-permanent':"
            " unknown rule id 'registry-forever'" in capsys.readouterr().err
        )

    def test_a_duplicate_rule_id_is_refused(self, builder):
        builder.simple()
        builder.write(
            "rules/more.yaml",
            "authority: FCC\nbinds: every-caller\nrules:\n  - id: fcc-calling-hours\n"
            "    title: Again\n    citation: 47 CFR 64.1200(c)(1)\n    statement: Again.\n"
            "    source: primary\n    checked: 2026-11-30\n",
        )
        assert any(
            "duplicate rule id 'fcc-calling-hours' (also in more.yaml)" in e
            for e in errors_for(builder)
        )

    def test_correcting_a_rule_reaches_every_item_and_versions_the_module(self, builder):
        from courses.models import Question

        required_module(builder)
        load_curriculum(builder.root)
        module = Module.objects.get()
        catalogue = builder.root / "rules/rules.yaml"
        catalogue.write_text(
            catalogue.read_text().replace("citation: 15 U.S.C. 6155", "citation: 15 U.S.C. 6155(a)")
        )
        report = load_curriculum(builder.root)
        assert "rule registry-permanent (citation)" in report.updated
        assert Question.objects.get(key="registry-permanent").citation == "15 U.S.C. 6155(a)"
        changed = Module.objects.get()
        assert changed.content_version != module.content_version
        # A citation is a correction of form, not of substance: no recertification.
        assert changed.material_version == module.material_version
        assert not report.material

    def test_a_changed_statement_is_a_material_change_for_the_modules_citing_it(
        self, builder, capsys
    ):
        required_module(builder)
        builder.course(modules=["module-1", "module-2"])
        builder.module(slug="module-2", lessons=["other"])  # cites fcc-calling-hours only
        call_command("load_content", root=builder.root)
        before = {m.slug: m.material_version for m in Module.objects.all()}
        catalogue = builder.root / "rules/rules.yaml"
        catalogue.write_text(
            catalogue.read_text().replace(
                "statement: Sellers access the registry at least every 31 days.",
                "statement: Sellers access the registry at least every 31 days, and keep proof.",
            )
        )
        capsys.readouterr()
        call_command("load_content", root=builder.root)
        out = capsys.readouterr().out
        assert "rule tsr-registry-access changed: a material change for module module-1" in out
        after = {m.slug: m for m in Module.objects.all()}
        assert after["module-1"].material_version == before["module-1"] + 1
        assert "Scrub against the registry every 31 days (tsr-registry-access)" in (
            after["module-1"].rule_change_note
        )
        assert after["module-2"].material_version == before["module-2"]
        # Loading again is not another change.
        call_command("load_content", root=builder.root)
        assert Module.objects.get(slug="module-1").material_version == before["module-1"] + 1
