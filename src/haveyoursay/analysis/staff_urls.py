from django.urls import path

from haveyoursay.analysis import staff
from haveyoursay.analysis.themes import staff as theme_staff

app_name = "analysis_staff"
question = "consultations/<int:pk>/themes/<slug:code>/"
urlpatterns = [
    path("consultations/<int:pk>/comments/<slug:code>/", staff.comments, name="comments"),
    path("consultations/<int:pk>/themes/", theme_staff.questions, name="theme_questions"),
    path(question, theme_staff.codeframe, name="codeframe"),
    path(question + "suggest/", theme_staff.suggest, name="suggest_themes"),
    path(question + "apply/", theme_staff.apply, name="apply_themes"),
    path(question + "proposal/", theme_staff.decide_proposal, name="decide_proposal"),
    path(question + "add/", theme_staff.add_theme, name="add_theme"),
    path(question + "merge/", theme_staff.merge, name="merge_themes"),
    path(question + "next/", theme_staff.code_next, name="code_next"),
    path(question + "review/", theme_staff.review_queue, name="review_queue"),
    path(question + "agreement/", theme_staff.agreement, name="agreement"),
    path(question + "quotes/", theme_staff.quotes, name="quotes"),
    path(question + "stance/", theme_staff.stance, name="stance"),
    path(question + "quotes/<int:quote_pk>/", theme_staff.decide_quote, name="decide_quote"),
    path(question + "<int:theme_pk>/", theme_staff.theme, name="theme"),
    path(question + "<int:theme_pk>/split/", theme_staff.split, name="split_theme"),
    path(question + "<int:theme_pk>/delete/", theme_staff.delete, name="delete_theme"),
    path(question + "<int:theme_pk>/move/", theme_staff.move, name="move_answers"),
]
