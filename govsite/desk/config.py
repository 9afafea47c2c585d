"""How one desk runs (工作台配置): the county repository it works on, where it keeps its state, the forge it
pushes to, the address people open, and where notices go.

Read from the operator's own YAML file (``govsite desk --config desk.yml``), never from the repository: a
branch under review must not choose how the desk that judges it behaves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govsite.core.errors import GovsiteError
from govsite.desk.forge import ForgeSettings
from govsite.desk.notify import NotifySettings
from govsite.desk.uploads import UploadLimits


@dataclass(frozen=True)
class DeskConfig:
    root: Path  # the working clone of the county repository
    state: Path  # sessions, pending signatures, previews, the action log
    base: str = "main"  # the target branch (主分支)
    remote: str | None = None  # the forge the desk fetches from and pushes to ("origin"); None: this clone only
    host: str = "127.0.0.1"
    port: int = 8765
    public_url: str = ""  # the address people open (also the passkey origin); default http://localhost:<port>
    notify: NotifySettings = field(default_factory=NotifySettings)
    fetch_every: float = 15.0  # seconds between fetches from the forge while people use the desk
    uploads: UploadLimits = field(default_factory=UploadLimits)  # photos resized, attachments' size limit
    forge: ForgeSettings = field(default_factory=ForgeSettings)  # where merge requests are opened (GitLab, Gitea)

    @property
    def origin(self) -> str:
        return (self.public_url or f"http://localhost:{self.port}").rstrip("/")

    @property
    def secure(self) -> bool:
        """Cookies only over HTTPS, except on this machine (browsers treat localhost as secure)."""
        return self.origin.startswith("https://")

    @property
    def base_ref(self) -> str:
        return f"refs/remotes/{self.remote}/{self.base}" if self.remote else f"refs/heads/{self.base}"


def load_config(path: Path | None, root: Path, **overrides: Any) -> DeskConfig:
    """The desk's configuration from ``path`` (optional) with command-line ``overrides`` (None = not given)."""
    data: dict[str, Any] = {}
    if path is not None:
        from checks.yamlio import YamlSyntaxError, load_yaml  # noqa: PLC0415

        try:
            loaded = load_yaml(path.read_text(encoding="utf-8"), lines=False).data
        except (OSError, UnicodeDecodeError) as exc:
            raise GovsiteError(f"读不了工作台配置文件 {path}：{exc}。请检查路径和编码（UTF-8）。") from exc
        except YamlSyntaxError as exc:
            raise GovsiteError(f"工作台配置文件 {path} 格式错误：{exc}") from exc
        if not isinstance(loaded, dict):
            raise GovsiteError(f"工作台配置文件 {path} 应是“键: 值”的映射。")
        data = loaded
    known = {"state", "base", "remote", "host", "port", "public_url", "notify", "fetch_every", "uploads", "forge"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise GovsiteError(f"工作台配置文件 {path} 中有不认识的设置：{'、'.join(unknown)}。可用：{'、'.join(sorted(known))}。")
    values = {k: v for k, v in data.items() if k not in ("notify", "uploads", "forge")}
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        port = int(values.get("port", 8765))
        fetch_every = float(values.get("fetch_every", 15.0))
    except (TypeError, ValueError) as exc:
        raise GovsiteError("工作台配置中 port 应是端口号，fetch_every 应是秒数。") from exc
    state = Path(str(values.get("state") or (root / ".govsite-desk"))).expanduser()
    notify = NotifySettings.from_config(data.get("notify") or {})
    return DeskConfig(root=root, state=state, base=str(values.get("base") or "main"),
                      remote=str(values["remote"]) if values.get("remote") else None,
                      host=str(values.get("host") or "127.0.0.1"), port=port,
                      public_url=str(values.get("public_url") or ""), notify=notify, fetch_every=fetch_every,
                      uploads=UploadLimits.from_config(data.get("uploads") or {}),
                      forge=ForgeSettings.from_config(data.get("forge") or {}))
