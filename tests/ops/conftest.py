"""The referral fixtures (a service, a consent, a draft) reused by the backup round trip."""

from tests.referrals.conftest import consent, draft, service

__all__ = ["consent", "draft", "service"]
