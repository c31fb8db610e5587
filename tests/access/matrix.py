"""The role × page × scope matrix, as data. Tests in test_matrix.py are generated from it.

Scope: a person accompanied by Amina's organisation (AGIR 35), whose record was shared with France
Travail (Marc) by consent for the identity and language sections only.

Expected answers: 200 allowed; 403 the role may not act here (the record is known to the user);
404 the record is not theirs (same answer as a missing record); 302 anonymous → login.
"""

# Personas: amina (referent, accompanies), olivier (org admin, same organisation), marc (partner agent,
# consent on identity+language), hugo (referent of another association), claire and yves
# (coordinators), sofia (platform admin, no membership), anonymous.
PERSONAS = ("amina", "olivier", "marc", "hugo", "claire", "yves", "sofia", "anonymous")

OUTSIDERS = {"hugo": 404, "claire": 404, "yves": 404, "sofia": 404, "anonymous": 302}


def _row(amina: int, olivier: int, marc: int) -> dict[str, int]:
    return {"amina": amina, "olivier": olivier, "marc": marc, **OUTSIDERS}


# url name -> (which object fills the URL, expected status per persona)
PERSON_PAGES: dict[str, tuple[str, dict[str, int]]] = {
    "persons:detail": ("person", _row(200, 200, 200)),
    "persons:edit": ("person", _row(200, 200, 403)),
    "persons:journal": ("person", _row(200, 200, 404)),
    "persons:sharing": ("person", _row(200, 200, 403)),
    "persons:access_history": ("person", _row(404, 200, 404)),
    "persons:changes": ("person", _row(200, 200, 404)),
    "persons:export_json": ("person", _row(200, 200, 404)),
    "persons:export_pdf": ("person", _row(200, 200, 404)),
    "persons:appointment_create": ("person", _row(200, 200, 403)),
    "persons:appointment_edit": ("appointment", _row(200, 200, 404)),
    "persons:appointment_ics": ("appointment", _row(200, 200, 404)),
    "persons:household_add": ("person", _row(200, 200, 403)),
    "persons:household_edit": ("household_member", _row(200, 200, 403)),
    "persons:item_add": ("person_item_kind", _row(200, 200, 403)),
    "persons:item_edit": ("identity", _row(200, 200, 403)),
    "pathways:create": ("person", _row(200, 200, 403)),
    "pathways:detail": ("pathway", _row(200, 200, 404)),
    "pathways:edit": ("pathway", _row(200, 200, 404)),
    "pathways:diagnostic": ("pathway_domain", _row(200, 200, 404)),
    "pathways:objective_add": ("pathway", _row(200, 200, 404)),
    "pathways:objective_edit": ("objective", _row(200, 200, 404)),
    "pathways:action_add": ("objective", _row(200, 200, 404)),
    "pathways:action_edit": ("plan_action", _row(200, 200, 404)),
    "referrals:detail": ("referral", _row(200, 200, 200)),
    "referrals:create": ("person", _row(200, 200, 403)),
    # A document Amina joined: the recipient downloads it while the referral's grant runs.
    "referrals:attachment_download": ("referral_attachment", _row(200, 200, 200)),
    "api:referral_attachment": ("referral_attachment", {**_row(200, 200, 200), "anonymous": 401}),
    "api:person_detail": ("person", {**_row(200, 200, 200), "anonymous": 401}),
    "api:referral_detail": ("referral", {**_row(200, 200, 200), "anonymous": 401}),
    # Services that can take the person: computed only from the sections the viewer sees.
    "directory:for_person": ("person", _row(200, 200, 200)),
}

# POST-only endpoints that change person data: denial is proven with a POST.
PERSON_ACTIONS: dict[str, tuple[str, dict[str, int]]] = {
    "persons:item_delete": ("nationality", {**_row(302, 302, 403), "anonymous": 302}),
    "persons:consent_withdraw": ("consent", {**_row(302, 302, 403), "anonymous": 302}),
    "pathways:transition": ("pathway", {**_row(302, 302, 404), "anonymous": 302}),
    # Amina's organisation sent the referral (sender side); Marc's received it (recipient side).
    "referrals:transition": ("referral_cancel", {**_row(302, 302, 403), "anonymous": 302}),
    # Either side may join documents to an open referral (an empty post is refused with a message);
    # only the organisation that joined one may remove it.
    "referrals:attachment_add": ("referral", {**_row(302, 302, 302), "anonymous": 302}),
    "referrals:attachment_delete": ("referral_attachment", {**_row(302, 302, 403), "anonymous": 302}),
    # The API reads a JSON body (the test posts {"version": 1}, stale since the referral was sent):
    # the sender's side gets 409, the recipient may not cancel (403), outsiders get 404.
    "api:referral_transition": ("referral_cancel", {**_row(409, 409, 403), "anonymous": 401}),
}

# Lists: everybody who handles cases gets 200 (their own scope); coordinators and admins don't.
LIST_PAGES: dict[str, dict[str, int]] = {
    "persons:list": {
        "amina": 200,
        "olivier": 200,
        "marc": 200,
        "hugo": 200,
        "claire": 404,
        "yves": 404,
        "sofia": 404,
        "anonymous": 302,
    },
    "persons:create": {
        "amina": 200,
        "olivier": 200,
        "marc": 403,
        "hugo": 200,
        "claire": 404,
        "yves": 404,
        "sofia": 404,
        "anonymous": 302,
    },
    "pathways:agenda": {
        "amina": 200,
        "olivier": 200,
        "marc": 200,
        "hugo": 200,
        "claire": 404,
        "yves": 404,
        "sofia": 404,
        "anonymous": 302,
    },
    "referrals:inbox": {
        "amina": 200,
        "olivier": 200,
        "marc": 200,
        "hugo": 200,
        "claire": 404,
        "yves": 404,
        "sofia": 404,
        "anonymous": 302,
    },
    "referrals:outbox": {
        "amina": 200,
        "olivier": 200,
        "marc": 200,
        "hugo": 200,
        "claire": 404,
        "yves": 404,
        "sofia": 404,
        "anonymous": 302,
    },
    "api:person_list": {
        "amina": 200,
        "olivier": 200,
        "marc": 200,
        "hugo": 200,
        "claire": 200,
        "yves": 200,
        "sofia": 200,
        "anonymous": 401,
    },
    "api:referral_list": {
        "amina": 200,
        "olivier": 200,
        "marc": 200,
        "hugo": 200,
        "claire": 200,
        "yves": 200,
        "sofia": 200,
        "anonymous": 401,
    },
    "dashboard:index": {
        "amina": 403,
        "olivier": 200,
        "marc": 403,
        "hugo": 403,
        "claire": 200,
        "yves": 200,
        "sofia": 403,
        "anonymous": 302,
    },
}

# Pages that show person data to someone without an account, behind a signed, single-use, expiring
# token instead of a session: denial (forged, expired, reused) is proven in
# tests/www/referrals/test_answer_link.py.
TOKEN_PAGES = {"referrals:link", "referrals:link_attachment"}

# URL names that serve no person data (checked by the URL walk so a new view cannot slip through).
NO_PERSON_DATA = {
    "employment:appellation_search",
    "home",
    "healthz",
    "set_language",
    "accounts:login",
    "accounts:logout",
    "accounts:choose_organisation",
    "accounts:profile",
    # The second factor at sign-in (issue 12): the user's own devices and recovery codes, no person data.
    "accounts:two_factor_verify",
    "accounts:two_factor_enrol",
    "accounts:two_factor_recovery_codes",
    "accounts:two_factor_recovery_codes_regenerate",
    # ProConnect sign-in (issue 12): the redirect to the State's provider and its answer; tested in
    # tests/security/test_proconnect.py.
    "proconnect:login",
    "proconnect:callback",
    "api:openapi-json",
    "api:openapi-view",
    "api:me",
    "api:api-root",
    "api:unknown",
    # The service directory: structures and services of the territory, no person data.
    "directory:list",
    "directory:map",
    "directory:service_detail",
    "directory:service_create",
    "directory:service_edit",
    "api:service_list",
    # The ROME job titles (France Travail reference data), no person data.
    "api:rome_appellation_list",
}
# Prefixes of URL names outside person data: Django admin (no person model registered), platform
# administration of organisations and users, API token management.
NO_PERSON_DATA_PREFIXES = ("admin:", "platform:", "accounts:token", "api:token", "notifications:")

# --- employment: the socio-professional profile, CV and commitment contract (issue 4) ----------------
# Marc's consent covers identity and language only: the employment section is not his (404).
PERSON_PAGES.update(
    {
        "employment:profile": ("person", _row(200, 200, 404)),
        "employment:profile_edit": ("person", _row(200, 200, 404)),
        "employment:diploma_add": ("person", _row(200, 200, 404)),
        "employment:diploma_edit": ("employment_diploma", _row(200, 200, 404)),
        "employment:experience_add": ("person", _row(200, 200, 404)),
        "employment:experience_edit": ("employment_experience", _row(200, 200, 404)),
        "employment:target_add": ("person", _row(200, 200, 404)),
        "employment:cv": ("person", _row(200, 200, 404)),
        "employment:commitment_contract": ("pathway", _row(200, 200, 404)),
        "api:employment_profile": ("person", {**_row(200, 200, 404), "anonymous": 401}),
    }
)
PERSON_ACTIONS.update(
    {
        "employment:diploma_delete": ("employment_diploma", {**_row(302, 302, 404), "anonymous": 302}),
        "employment:experience_delete": ("employment_experience", {**_row(302, 302, 404), "anonymous": 302}),
        "employment:target_delete": ("employment_target", {**_row(302, 302, 404), "anonymous": 302}),
    }
)

# --- employment: employers, opportunities, placements and follow-up (issue 4) --------------------------
# The scope person is proposed by Amina's organisation on an opportunity it published; a second
# placement is hired (follow-ups). Marc does not see the employment section (404).
_CASE_WORKERS = {**dict.fromkeys(("amina", "olivier", "marc", "hugo"), 200), **OUTSIDERS, "hugo": 200}
PERSON_PAGES.update(
    {
        "employment:placement_detail": ("placement", _row(200, 200, 404)),
        "employment:followup_edit": ("follow_up", _row(200, 200, 404)),
        # Every case worker reads the opportunity; its placements block lists only the persons whose
        # employment section the viewer sees (Hugo sees the page without the person: tests/employment).
        "employment:opportunity_detail": ("opportunity", _CASE_WORKERS),
        "api:placement_detail": ("placement", {**_row(200, 200, 404), "anonymous": 401}),
    }
)
PERSON_ACTIONS.update(
    {
        # An empty post (no version) is refused with a message; outsiders never learn the placement exists.
        "employment:placement_transition": ("placement_withdraw", {**_row(302, 302, 404), "anonymous": 302}),
        # Person and opportunity come in the query string or the form: without them, 404 for everybody.
        # Denial with real parameters is proven in tests/employment/test_placements_views.py.
        "employment:placement_propose": ("no_args", {**_row(404, 404, 404), "anonymous": 302}),
        # {"version": 1} is the current version: the accompanying team withdraws the proposal.
        "api:placement_transition": ("placement_withdraw", {**_row(200, 200, 404), "anonymous": 401}),
    }
)
LIST_PAGES.update(
    {
        "employment:opportunity_list": _CASE_WORKERS,
        "employment:employer_list": _CASE_WORKERS,
        "api:placement_list": {**dict.fromkeys(PERSONAS, 200), "anonymous": 401},
    }
)
NO_PERSON_DATA |= {
    "employment:opportunity_create",
    "employment:opportunity_edit",
    "employment:opportunity_transition",
    "employment:employer_create",
    "employment:employer_detail",
    "employment:employer_edit",
    "api:opportunity_list",
    "api:opportunity_detail",
    "api:employer_list",
}

# --- coverage of the tracks for coordinators (issue 5 §7): aggregates only, counts < 5 suppressed -----
# Coordinators and organisation admins; everybody else gets 404 (tests/coverage).
_AGGREGATES = {**dict.fromkeys(PERSONAS, 404), "olivier": 200, "claire": 200, "yves": 200}
LIST_PAGES.update(
    {
        "coverage:index": {**_AGGREGATES, "anonymous": 302},
        "api:coverage": {**_AGGREGATES, "anonymous": 401},
    }
)

# --- the référent's "À faire" and calendar feed (issue 5) -------------------------------------------
# Lists of the caller's own scope; coordinators and the platform admin do no case work (404).
LIST_PAGES.update(
    {
        "agenda:todo": {**_CASE_WORKERS},
        "api:agenda_list": {**dict.fromkeys(PERSONAS, 200), "anonymous": 401},
    }
)
# The page that creates / revokes the secret address shows no person data.
NO_PERSON_DATA |= {"agenda:feed"}
# The .ics behind a secret token (no session): denial (wrong, revoked, membership ended) is proven in
# tests/agenda/test_feed.py.
TOKEN_PAGES |= {"agenda:feed_ics"}

# --- employment: explained matching and results (issue 4 §4–5) ----------------------------------------
# Opportunities ranked for a person need the employment section (Marc's consent is language only: 404).
# Candidates for an opportunity: case workers, among the persons whose employment section they see;
# each listed person gets a read event (and the list one event with the ids).
PERSON_PAGES.update(
    {
        "employment:matches_for_person": ("person", _row(200, 200, 404)),
        "api:person_matches": ("person", {**_row(200, 200, 404), "anonymous": 401}),
        "employment:candidates_for_opportunity": ("opportunity", _CASE_WORKERS),
        "api:opportunity_candidates": ("opportunity", {**_CASE_WORKERS, "anonymous": 401}),
    }
)
# Results: aggregates for coordinators (territory) and organisation admins (their pathways).
LIST_PAGES.update(
    {
        "employment:results": {**_AGGREGATES, "anonymous": 302},
        "api:employment_results": {**_AGGREGATES, "anonymous": 401},
    }
)

# --- tracks: housing, health, language and rights (issue 5) --------------------------------------------
# Marc's consent covers identity and language: he reads the page (language track only) and the API,
# may not edit a language item (403), and never learns of a housing or rights item (404).
PERSON_PAGES.update(
    {
        "tracks:overview": ("person", _row(200, 200, 200)),
        "tracks:item_add": ("tracks_language_kind", _row(200, 200, 403)),
        "tracks:item_edit": ("tracks_siao", _row(200, 200, 404)),
        "tracks:record_edit": ("tracks_caf", _row(200, 200, 404)),
        "api:person_tracks": ("person", {**_row(200, 200, 200), "anonymous": 401}),
        "api:person_deadlines": ("person", {**_row(200, 200, 200), "anonymous": 401}),
    }
)
PERSON_ACTIONS.update({"tracks:item_delete": ("tracks_siao", {**_row(302, 302, 404), "anonymous": 302})})

# --- the territorial contract (issue 6): aggregates for coordinators, bilans for carriers -------------
# Pages about the contract, an action or a commune: figures are aggregates (counts < 5 suppressed), never
# a person. url name -> (which object fills the URL, expected status per persona). The scope's action is
# carried by Amina's organisation (AGIR 35). Each section below adds its own pages.
_STEERING = {**dict.fromkeys(PERSONAS, 404), "claire": 200, "yves": 200, "anonymous": 302}
_STEERING_API = {**_STEERING, "anonymous": 401}
_CARRIER = {**_STEERING, "amina": 200, "olivier": 200}
AGGREGATE_PAGES: dict[str, tuple[str, dict[str, int]]] = {}

# Steering API (H4): indicators, fiches action and budget; coordinators only (no contract: empty 200).
LIST_PAGES.update(
    {
        "api:indicators": _STEERING_API,
        "api:contract_actions": _STEERING_API,
        "api:contract_budget": _STEERING_API,
    }
)
# Shared territorial diagnosis (H4): page and its CSV.
AGGREGATE_PAGES.update(
    {
        "steering:diagnosis": ("no_args", _STEERING),
        "steering:diagnosis_csv": ("no_args", _STEERING),
    }
)

# The carrier's side (H5b): its actions, the bilan of each year, the participations it records. Pages
# naming participants are person data: coordinators get 404 there; they only download bilan documents.
# « Mes actions du contrat » answers any référent or admin (Hugo's association carries nothing: empty state).
_CARRIER_ONLY = {**_STEERING, "claire": 404, "yves": 404, "amina": 200, "olivier": 200}
AGGREGATE_PAGES.update(
    {
        "steering:my_actions": ("no_args", {**_CARRIER_ONLY, "hugo": 200}),
        "steering:carrier_action": ("action", _CARRIER_ONLY),
        "steering:bilan_edit": ("action_year", _CARRIER_ONLY),
        "steering:bilan_attachment": ("bilan_attachment", _CARRIER),
        "steering:participation_add": ("action", _CARRIER_ONLY),
    }
)
# POST only; denial proven in tests/steering/test_carrier_views.py.
NO_PERSON_DATA |= {"steering:bilan_attachment_delete", "steering:participation_delete"}

# Coordinators' dashboards of the contract (H2): overview, fiche action, commune, monthly trends and CSV.
AGGREGATE_PAGES.update(
    {
        "steering:overview": ("no_args", _STEERING),
        "steering:action": ("action", _STEERING),
        "steering:commune": ("commune", _STEERING),
        "steering:trends": ("no_args", _STEERING),
        "steering:trends_csv": ("no_args", _STEERING),
    }
)

# Coordinators keep the contract (H5a): contract and amendments, fiches action, budget grid, targets, calls
# for projects and the applications received. Coordinators only; no person on these pages. Every page also
# takes the POST of its form (same checks; denial of GET and POST proven in tests/steering/test_manage_views.py).
AGGREGATE_PAGES.update(
    {
        "steering:contract_create": ("no_args", _STEERING),
        "steering:contract_edit": ("contract", _STEERING),
        "steering:amendment_add": ("contract", _STEERING),
        "steering:actions": ("contract", _STEERING),
        "steering:action_create": ("contract", _STEERING),
        "steering:action_edit": ("action", _STEERING),
        "steering:budget_edit": ("action", _STEERING),
        "steering:targets_edit": ("action", _STEERING),
        "steering:calls": ("contract", _STEERING),
        "steering:call_create": ("contract", _STEERING),
        "steering:call_detail": ("call", _STEERING),
        "steering:application_add": ("call", _STEERING),
        "steering:application_decide": ("application", _STEERING),
    }
)

# The annual report (H3): the page, one generation's state fragment and its file. Coordinators only; the
# request (POST only) is denied in tests/steering/test_report.py.
AGGREGATE_PAGES.update(
    {
        "steering:report": ("no_args", _STEERING),
        "steering:report_status": ("report_run", _STEERING),
        "steering:report_download": ("report_run", _STEERING),
    }
)
NO_PERSON_DATA |= {"steering:report_request"}

# --- imports of persons from spreadsheets (issue 11, imports) ------------------------------------------
# Référents and organisation admins import for their own organisation: Hugo sees his association's (empty)
# list; partner agents, coordinators and the platform admin get 404.
_IMPORTERS = {**dict.fromkeys(PERSONAS, 404), "amina": 200, "olivier": 200, "hugo": 200, "anonymous": 302}
LIST_PAGES.update({"imports:list": _IMPORTERS, "imports:upload": _IMPORTERS})
# The pages of one import run show names (preview, reports, rejected lines). The matrix's scope has no
# import run, so they are walked here as data and their denial is generated from this table in
# tests/imports/test_access.py, for a run of Amina's organisation: url name -> (method, expected per persona).
_RUN_OWNERS = {**dict.fromkeys(PERSONAS, 404), "amina": 200, "olivier": 200, "anonymous": 302}
IMPORT_RUN_PAGES: dict[str, tuple[str, dict[str, int]]] = {
    "imports:detail": ("get", _RUN_OWNERS),
    "imports:sheet": ("get", _RUN_OWNERS),
    "imports:columns": ("get", _RUN_OWNERS),
    "imports:values": ("get", _RUN_OWNERS),
    "imports:status": ("get", _RUN_OWNERS),
    "imports:rejected": ("get", _RUN_OWNERS),
    "imports:check": ("post", {**_RUN_OWNERS, "amina": 302, "olivier": 302}),
    # An empty confirmation is refused with the form and its message (400).
    "imports:confirm": ("post", {**_RUN_OWNERS, "amina": 400, "olivier": 400}),
}
NO_PERSON_DATA |= set(IMPORT_RUN_PAGES)  # classified for the URL walk; proven in tests/imports/test_access.py

# --- duplicate review: queue, pairs, merges and their undo (issue 11, review) ------------------------------
# Référents and organisation admins review the pairs whose two records their organisation accompanies:
# Hugo sees his association's (empty) queue; partner agents, coordinators and the platform admin get 404.
_REVIEWERS = {**dict.fromkeys(PERSONAS, 404), "amina": 200, "olivier": 200, "hugo": 200, "anonymous": 302}
LIST_PAGES.update({"linkage:queue": _REVIEWERS, "linkage:merges": _REVIEWERS})
# The pages of one pair and of one merge show both records. The matrix's scope has no pair, so they are
# walked here as data and generated in tests/linkage/test_review_views.py for a pair of two records of
# Amina's organisation and a merge Amina made: url name -> (which object fills the URL, expected per persona).
_PAIR_REVIEWERS = {**dict.fromkeys(PERSONAS, 404), "amina": 200, "olivier": 200, "anonymous": 302}
LINKAGE_PAGES: dict[str, tuple[str, dict[str, int]]] = {
    "linkage:candidate": ("candidate", _PAIR_REVIEWERS),
    "linkage:merge": ("candidate", _PAIR_REVIEWERS),
    "linkage:merge_detail": ("merge", _PAIR_REVIEWERS),
}
NO_PERSON_DATA |= set(LINKAGE_PAGES)  # classified for the URL walk; proven in tests/linkage/test_review_views.py
