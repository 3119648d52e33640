from django.urls import path, register_converter

from courses.certification import record_views, report_views
from courses.certification import views as certification
from courses.certification.models import CODE_ALPHABET
from courses.curriculum import views as curriculum
from courses.practice import views as practice
from courses.progress import views as progress
from courses.quizzes import views as quizzes
from courses.review import views as review
from courses.roleplays import views as roleplays
from courses.teams import views as teams


class CertificateCode:
    """A certificate's code in a URL: anything else is simply not found."""

    regex = f"[{CODE_ALPHABET}]{{32}}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(CertificateCode, "code")


learner_urls = [
    path("", progress.home, name="home"),
    path("catalogue/", curriculum.catalogue, name="catalogue"),
    path("modules/<slug:module_slug>/", curriculum.module_detail, name="module"),
    path("modules/<slug:module_slug>/<slug:step_slug>/", curriculum.step_detail, name="step"),
    path(
        "modules/<slug:module_slug>/<slug:step_slug>/complete/",
        curriculum.lesson_complete,
        name="lesson-complete",
    ),
    path(
        "modules/<slug:module_slug>/<slug:step_slug>/attempts/",
        quizzes.quiz_start,
        name="quiz-start",
    ),
    path("attempts/<int:attempt_id>/", quizzes.quiz_attempt, name="quiz-attempt"),
    path("attempts/<int:attempt_id>/answers/", quizzes.quiz_answer, name="quiz-answer"),
    path("attempts/<int:attempt_id>/submit/", quizzes.quiz_submit, name="quiz-submit"),
    path(
        "modules/<slug:module_slug>/<slug:step_slug>/calls/",
        roleplays.roleplay_start,
        name="roleplay-start",
    ),
    path("calls/<int:run_id>/", roleplays.roleplay_run, name="roleplay-run"),
    path("calls/<int:run_id>/reply/", roleplays.roleplay_choose, name="roleplay-choose"),
    path("calls/<int:run_id>/record/", roleplays.roleplay_record, name="roleplay-record"),
    path("calls/<int:run_id>/end/", roleplays.roleplay_end, name="roleplay-end"),
    path("reminders/", progress.reminders, name="reminders"),
    path("call-check/", practice.call_check, name="call-check"),
]

review_urls = [
    path("", review.session, name="session"),
    path("cards/<int:card_id>/answer/", review.answer, name="answer"),
    path("mastery/", review.mastery, name="mastery"),
]

insight_urls = [
    path("quizzes/", quizzes.quiz_list, name="quizzes"),
    path("quizzes/<int:quiz_id>/", quizzes.quiz_detail, name="quiz"),
]

practice_urls = [
    path("", practice.drill_home, name="home"),
    path("sessions/", practice.drill_start, name="start"),
    path("sessions/<int:session_id>/", practice.drill_session, name="session"),
    path("sessions/<int:session_id>/answer/", practice.drill_answer, name="answer"),
    path("sessions/<int:session_id>/next/", practice.drill_next, name="next"),
]

rule_urls = [
    path("", curriculum.rule_list, name="list"),
]

team_urls = [
    path("", teams.dashboard, name="dashboard"),
    path("export.csv", teams.dashboard_csv, name="dashboard-csv"),
    path("people/<int:user_id>/", teams.person_detail, name="person"),
    path("assignments/", teams.assignment_list, name="assignments"),
    path("assignments/new/", teams.assignment_new, name="assignment-new"),
    path("assignments/<int:pk>/due/", teams.assignment_due, name="assignment-due"),
    path("assignments/<int:pk>/withdraw/", teams.assignment_withdraw, name="assignment-withdraw"),
    path("assignments/due/", teams.assignments_due, name="assignments-due"),
    path("people/<int:user_id>/remind/<int:pk>/", teams.remind_now, name="remind-now"),
    path("charts/", teams.charts, name="charts"),
    path("mastery/", review.team_mastery, name="mastery"),
    path("teams/<int:team_id>/", teams.team_detail, name="team"),
    path(
        "teams/<int:team_id>/members/<int:user_id>/remove/",
        teams.team_member_remove,
        name="member-remove",
    ),
]

compliance_urls = [
    path("", certification.queue, name="queue"),
    path("records/<int:record_id>/", certification.record_detail, name="record"),
    path("records/<int:record_id>/certify/", certification.record_certify, name="certify"),
    path("records/<int:record_id>/reject/", certification.record_reject, name="reject"),
    path("records/certify/", certification.bulk_certify, name="bulk-certify"),
    path("certificates/", certification.certificate_list, name="certificates"),
    path(
        "certificates/<code:code>/revoke/",
        certification.certificate_revoke,
        name="certificate-revoke",
    ),
    path("modules/<int:module_id>/recertify/", certification.recertify, name="recertify"),
    path("audit/", report_views.audit_log, name="audit"),
    path("audit/verify/", record_views.audit_verify, name="audit-verify"),
    path("people/<int:user_id>/record.json", record_views.record_json, name="record-json"),
    path("people/<int:user_id>/record.pdf", record_views.record_pdf, name="record-pdf"),
    path("audit.csv", report_views.audit_csv, name="audit-csv"),
    path("reports/certification/", report_views.certification_report, name="report"),
    path("reports/certification.csv", report_views.certification_report_csv, name="report-csv"),
    path(
        "reports/certification-totals.csv",
        report_views.certification_totals_csv,
        name="report-totals-csv",
    ),
]

certificate_urls = [
    path("<code:code>/", certification.certificate_detail, name="detail"),
    path("<code:code>/certificate.pdf", certification.certificate_pdf, name="pdf"),
]

verify_urls = [
    path("", certification.verify, name="form"),
    path("<str:code>/", certification.verify_code, name="code"),
]
