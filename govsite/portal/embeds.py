"""The national embeds (国家统一嵌入代码) every government site carries, issued to each site: the 党政机关网站标识
(the badge of the 中央机构编制委员会办公室's registration, a script of dcs.conac.cn that draws the badge and links to
its verification), 我为政府网站找错 (the State Council's error-report entry, a script of zfwzgl.www.gov.cn keyed by
the 网站标识码), the 公安机关备案 link (beian.gov.cn, by record code) and the ICP link (beian.miit.gov.cn).

site_config/site.yml names them by their values only (``embeds: {conac: <script address>, jiucuo: <网站标识码>,
police: <备案号数字>}``); the markup, and the only outside hosts a built site may load scripts from, are fixed
here, so a change of site_config can point a badge elsewhere only within those hosts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

CONAC_HOST = "dcs.conac.cn"
JIUCUO_SCRIPT = "https://zfwzgl.www.gov.cn/exposure/jiucuo.js"
POLICE_LINK = "https://www.beian.gov.cn/portal/registerSystemInfo?recordcode="
ICP_LINK = "https://beian.miit.gov.cn/"
SCRIPT_HOSTS = (CONAC_HOST, "zfwzgl.www.gov.cn")  # the only outside scripts of a built site

_CONAC = re.compile(r"https://dcs\.conac\.cn/js/[0-9A-Za-z][0-9A-Za-z/_.-]*\.js")
_SITE_CODE = re.compile(r"\d{10}")  # 网站标识码: ten digits (6 of the region, 4 of the site)
_POLICE = re.compile(r"\d{14}")  # 公安机关备案号: fourteen digits


@dataclass(frozen=True)
class Embeds:
    """The embeds of one site, validated; ``problems``: what site.yml says that cannot be used, in Chinese."""

    conac: str = ""  # the 党政机关网站标识 script
    jiucuo: str = ""  # 网站标识码 for 我为政府网站找错
    police: str = ""  # 公安机关备案号 (digits)
    police_text: str = ""  # as printed: 渝公网安备 50023702000001号
    icp: str = ""
    problems: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_site(cls, site: dict[str, Any]) -> Embeds:
        raw = site.get("embeds") if isinstance(site.get("embeds"), dict) else {}
        problems: list[str] = []
        if site.get("embeds") is not None and not isinstance(site.get("embeds"), dict):
            problems.append("site_config/site.yml 的 embeds 应是“名称: 值”的映射（conac、jiucuo、police）。")
        conac = str(raw.get("conac") or "").strip()
        if conac and not _CONAC.fullmatch(conac):
            problems.append(f"embeds.conac（党政机关网站标识）应是开办单位收到的代码中 https://{CONAC_HOST}/js/… .js 的"
                            f"地址，不是“{conac[:80]}”，未显示标识。")
            conac = ""
        jiucuo = str(raw.get("jiucuo") or site.get("site_code") or "").strip()
        if jiucuo and not _SITE_CODE.fullmatch(jiucuo):
            problems.append(f"“我为政府网站找错”需要 10 位数字的网站标识码（site_code 或 embeds.jiucuo），"
                            f"不是“{jiucuo[:40]}”，未显示入口。")
            jiucuo = ""
        printed = str(site.get("police_record") or "").strip()
        police = str(raw.get("police") or "".join(re.findall(r"\d", printed))).strip()
        if police and not _POLICE.fullmatch(police):
            problems.append(f"公安机关备案号应含 14 位数字（police_record 或 embeds.police），不是“{police[:40]}”，"
                            "未链接到备案信息。")
            police = ""
        return cls(conac, jiucuo, police, printed or (f"公网安备 {police}号" if police else ""),
                   str(site.get("icp") or "").strip(), tuple(problems))

    def missing(self) -> list[str]:
        """The embeds a published site must carry and this one lacks (国办发〔2017〕47号, 网页设计规范)."""
        wanted = (("党政机关网站标识（embeds.conac）", self.conac), ("我为政府网站找错（site_code）", self.jiucuo),
                  ("公安机关备案号（police_record）", self.police), ("ICP 备案号（icp）", self.icp))
        return [name for name, value in wanted if not value]

    def to_context(self, preview: bool) -> dict[str, Any]:
        """What the footer template prints. A preview loads no outside script: it shows where each goes."""
        return {"preview": preview, "conac": self.conac, "jiucuo": self.jiucuo, "jiucuo_script": JIUCUO_SCRIPT,
                "police": self.police, "police_link": POLICE_LINK + self.police if self.police else "",
                "police_text": self.police_text, "icp": self.icp, "icp_link": ICP_LINK}
