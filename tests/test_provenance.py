"""The banner over invented figures says exactly what is invented."""

from boards.provenance import demo_notice_text


def test_demo_only_says_every_local_return_is_invented():
    text = demo_notice_text({"published", "demo"})
    assert text.startswith("**Demonstration data.** The local quarterly returns in this database")
    assert "are invented from a fixed random seed" in text


def test_after_a_real_upload_only_some_returns_are_invented():
    """Real local returns beside the demo's: the banner no longer calls every local return invented."""
    text = demo_notice_text({"published", "demo", "local"})
    assert text.startswith("**Demonstration data.** Some local quarterly returns")
    assert "returns uploaded by partnerships are real" in text and "(invented)" in text


def test_no_invented_figures_no_banner():
    assert demo_notice_text({"published", "local"}) is None
