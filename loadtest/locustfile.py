"""Simulated Ancrage users: référents, France Travail agents and coordinators walking the main pages.

Each simulated user signs in to its own demo account when possible (password, then the TOTP code
computed from the key ``loadtest/setup_accounts.py`` wrote to ``$LOADTEST_ACCOUNTS``), picks its
organisation if asked, then browses. Requests are named by page so that p95 is reported per page.
"""

import itertools
import json
import os
import random
import re
import secrets
import time

import gevent
from django_otp.oath import TOTP
from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "demo-ancrage")
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PERSON_RE = re.compile(r'href="/personnes/(\d+)/"')
MEMBERSHIP_RE = re.compile(r'name="membership" value="(\d+)"')
SEARCHES = ["a", "ma", "ali", "nour", "kh", "mo", "sa", "ha"]

_accounts: dict[str, list[dict[str, str]]] = {}
_cycles: dict[str, itertools.cycle] = {}
_last_step: dict[str, int] = {}  # TOTP codes are single-use: one login per account per 30-second step


@events.init.add_listener
def _load_accounts(environment, **_kwargs) -> None:
    with open(os.environ["LOADTEST_ACCOUNTS"], encoding="utf-8") as handle:
        for account in json.load(handle):
            _accounts.setdefault(account["role"], []).append(account)
    for role, accounts in _accounts.items():
        random.shuffle(accounts)
        _cycles[role] = itertools.cycle(accounts)


def _code(account: dict[str, str]) -> str:
    while True:
        step = int(time.time() // 30)
        if _last_step.get(account["email"]) != step:
            _last_step[account["email"]] = step
            return str(TOTP(bytes.fromhex(account["key"])).token()).zfill(6)
        gevent.sleep(30 - time.time() % 30 + 0.2)


class _AncrageUser(HttpUser):
    abstract = True
    role = ""
    wait_time = between(1, 4)

    def on_start(self) -> None:
        self.account = next(_cycles[self.role])
        self.persons: list[str] = []
        self.client.headers["Referer"] = self.host
        page = self.client.get("/comptes/connexion/", name="login page")
        with self.client.post(
            "/comptes/connexion/",
            data={"username": self.account["email"], "password": PASSWORD, "csrfmiddlewaretoken": _csrf(page.text)},
            name="login (password)",
            catch_response=True,
        ) as response:
            if "double-authentification" not in response.url:
                response.failure(f"no second-factor step for {self.account['email']}: {response.url}")
                return
        with self.client.post(
            response.url,
            data={"code": _code(self.account), "csrfmiddlewaretoken": _csrf(response.text)},
            name="login (TOTP)",
            catch_response=True,
        ) as verified:
            if "double-authentification" in verified.url or "connexion" in verified.url:
                verified.failure(f"second factor refused for {self.account['email']}")
                return
            if "/comptes/organisation/" in verified.url:
                choice = MEMBERSHIP_RE.search(verified.text)
                if choice:
                    self.client.post(
                        verified.url,
                        data={"membership": choice.group(1), "csrfmiddlewaretoken": _csrf(verified.text)},
                        name="choose organisation",
                    )

    def _get(self, path: str, name: str):
        """GET a page; a redirection to the sign-in page (session lost) counts as a failure."""
        with self.client.get(path, name=name, catch_response=True) as response:
            if "/comptes/" in response.url:
                response.failure(f"redirected to {response.url}")
            return response

    def _person_list(self, params: str = "", name: str = "person list") -> None:
        response = self._get(f"/personnes/{params}", name=name)
        found = PERSON_RE.findall(response.text)
        if found:
            self.persons = found

    def _person_record(self) -> None:
        if not self.persons:
            self._person_list()
        if self.persons:
            self._get(f"/personnes/{secrets.choice(self.persons)}/", name="person record")


class Referent(_AncrageUser):
    role = "referent"
    weight = 7

    @task(2)
    def home(self) -> None:
        self._get("/", name="home")

    @task(4)
    def person_list(self) -> None:
        self._person_list()

    @task(2)
    def person_search(self) -> None:
        self._person_list(f"?q={secrets.choice(SEARCHES)}", name="person list (search)")

    @task(2)
    def person_page(self) -> None:
        self._person_list(f"?page={2 + secrets.randbelow(5)}", name="person list (page n)")

    @task(5)
    def person_record(self) -> None:
        self._person_record()

    @task(2)
    def referrals(self) -> None:
        self._get("/orientations/envoyees/", name="referrals outbox")

    @task(2)
    def agenda(self) -> None:
        self._get("/a-faire/", name="agenda")


class PartnerAgent(_AncrageUser):
    role = "partner"
    weight = 2

    @task(4)
    def inbox(self) -> None:
        self._get("/orientations/recues/", name="referrals inbox")

    @task(2)
    def person_list(self) -> None:
        self._person_list()

    @task(3)
    def person_record(self) -> None:
        self._person_record()


class Coordinator(_AncrageUser):
    role = "coordinator"
    weight = 1

    @task(2)
    def dashboard(self) -> None:
        self._get("/tableau-de-bord/", name="dashboard")

    @task(2)
    def steering(self) -> None:
        self._get("/contrat/", name="steering overview")


def _csrf(html: str) -> str:
    match = CSRF_RE.search(html)
    return match.group(1) if match else ""
