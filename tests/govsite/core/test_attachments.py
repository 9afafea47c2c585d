"""Which files a page links (the attachments its approvals name and the portal publishes with it)."""

from __future__ import annotations

from govsite.core.attachments import attachments


def test_links_images_and_html_are_attachments_pages_and_outside_links_are_not():
    text = ('![会场](files/a.png) [通知](<files/会议 通知.pdf>) [另一篇](other.md) [外链](https://x.gov.cn/a.pdf)\n'
            '<img src="../tzgg/c.jpg"> [上级](../../../../etc/passwd) [x](http://[::1/a) [ref]: files/b.xlsx\n')
    assert attachments("content/dachang/gzdt/a.md", text) == [
        "content/dachang/gzdt/files/a.png", "content/dachang/gzdt/files/会议 通知.pdf",
        "content/dachang/tzgg/c.jpg"]
