"""Personal data protection: keyed pseudonyms for joins, masks for display, encryption for
authorised re-identification. Clear ID numbers, names and phones are never written."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import os
import re

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from pipelines.contract import Pii
from pipelines.contract.legality import normalise_id_number, normalise_mobile


def normalise(kind: Pii | str, value: str) -> str:
    if kind == Pii.ID_NUMBER:
        return normalise_id_number(value)
    if kind == Pii.PHONE:
        return normalise_mobile(value)
    if kind == Pii.IP:
        return value.strip().lower()
    return value.strip()


def pseudonym(key: bytes, kind: Pii | str, value: str) -> str:
    """HMAC-SHA256 of the normalised value, 128 bits in hex: stable per key, not reversible."""
    msg = f"{kind}:{normalise(kind, value)}".encode()
    return hmac.new(key, msg, hashlib.sha256).hexdigest()[:32]


def mask(kind: Pii | str, value: str) -> str:
    """Display form: 310***********123X, 张*, 138****5678."""
    v = normalise(kind, value)
    if kind == Pii.ID_NUMBER:
        return v[:3] + "*" * max(len(v) - 7, 0) + v[-4:] if len(v) > 7 else "*" * len(v)
    if kind == Pii.PHONE:
        return v[:3] + "*" * max(len(v) - 7, 0) + v[-4:] if len(v) > 7 else "*" * len(v)
    if kind == Pii.IP:
        return mask_ip(v)
    if kind == Pii.TEXT:
        return mask_free_text(v)
    if not v:
        return v
    return v[0] + "*" * (len(v) - 1) if len(v) > 1 else "*"


def mask_ip(value: str) -> str:
    """The network kept, the host hidden: 202.96.*.*, 240e:3a1:*; anything else as ****."""
    try:
        ip = ipaddress.ip_address(value.strip())
    except ValueError:
        return "*" * min(len(value.strip()), 8)
    if ip.version == 4:
        a, b, *_ = str(ip).split(".")
        return f"{a}.{b}.*.*"
    return ":".join(ip.exploded.split(":")[:2]) + ":*"


# --- personal data inside free text (a service-desk summary, a work order's note) ---------
_ID_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
    r"(?![0-9A-Za-z])"
)
# a mainland mobile, also written 138-1234-5678, 138 1234 5678 or +86 138...
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(?:(?:\+|00)?86[-\s]?)?1[3-9]\d(?:[-\s]?\d){8}(?!\d)")
# a fixed line with its area code: 021-62345678, (021)62345678, 0571 8888 6666
_LANDLINE_IN_TEXT = re.compile(r"(?<!\d)(?:\(0\d{2,3}\)|0\d{2,3}[-\s]?)\d{3,4}[-\s]?\d{4}(?!\d)")
_EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# the most common surnames (about 85 % of people); compound ones first
_SURNAMES = (
    "欧阳|司马|诸葛|上官|东方|皇甫|令狐|慕容|尉迟|"
    "王|李|张|刘|陈|杨|黄|赵|吴|周|徐|孙|马|朱|胡|郭|何|高|林|罗|郑|梁|谢|宋|唐|许|韩|冯|邓|曹|彭|"
    "曾|肖|田|董|袁|潘|于|蒋|蔡|余|杜|叶|程|苏|魏|吕|丁|任|沈|姚|卢|姜|崔|钟|谭|陆|汪|范|金|石|"
    "廖|贾|夏|韦|付|方|白|邹|孟|熊|秦|邱|江|尹|薛|闫|段|雷|侯|龙|史|陶|黎|贺|顾|毛|郝|龚|邵|万|"
    "钱|严|覃|武|戴|莫|孔|向|汤|常|温|康|施|文|牛|樊|葛|邢|安|齐|易|乔|伍|庞|颜|倪|庄|聂|章|鲁|"
    "岳|翟|殷|詹|申|欧|耿|关|兰|焦|俞|左|柳|甘|祝|包|宁|尚|符|舒|阮|柯|纪|梅|童|凌|毕|单|季|裴|"
    "霍|涂|成|苗|谷|盛|曲|翁|冉|骆|蓝|路|游|辛|靳|管|柴|蒙|鲍|华|喻|祁|蒲|房|滕|屈|饶|解|牟|艾|"
    "尤|阳|时|穆|农|司|卓|古|吉|缪|简|车|项|连|芦|麦|褚|娄|窦|戚|岑|景|党|宫|费|卜|冷|晏|席|卫|"
    "米|柏|宗|瞿|桂|全|佟|应|臧|闵|苟|邬|边|卞|姬|师|和|仇|栾|隋|商|刁|沙|荣|巫|寇|桑|郎|甄|丛|"
    "仲|虞|敖|巩|明|佘|池|查|麻|苑|迟|邝"
)
# words that introduce a person (来电人张伟, 联系人：李娜, 学员王芳)
_NAME_CUE = (
    r"(?:我是|我叫|本人|姓名|名字|联系人|来电人|来访人|反映人|投诉人|报修人|申请人|负责人|"
    r"学员|学生|教师|老师|讲师|客户|用户|家长|工程师|技术员|师傅|校长|经理|主任|同事)"
    r"[：:\s]*"
)
# an honorific after a surname and given name (张伟老师, 李娜女士)
_NAME_TITLE = r"(?:先生|女士|小姐|老师|同学|师傅|经理|主任|校长|工程师|阿姨|老人)"
_HAN = r"[\u4e00-\u9fff]"
# where a name typically ends: a verb of the desk's vocabulary, punctuation, a contact word
_NAME_END = (
    r"(?=来电|来访|反映|反馈|称|说|表示|咨询|投诉|报修|询问|要求|希望|需要|无法|不能|已|于|在|的|"
    r"手机|电话|联系|邮箱|微信|先生|女士|老师|同学|师傅|[，,。.、；;：:！!？?（）()\s\d]|$)"
)
_NAME_AFTER_CUE = re.compile(rf"({_NAME_CUE})((?:{_SURNAMES})){_HAN}{{1,2}}?{_NAME_END}")
_NAME_AFTER_CUE_GREEDY = re.compile(rf"({_NAME_CUE})((?:{_SURNAMES})){_HAN}{{1,2}}")
_NAME_BEFORE_TITLE = re.compile(rf"((?:{_SURNAMES})){_HAN}{{1,2}}(?={_NAME_TITLE})")


def _star_name(match: re.Match, surname_group: int) -> str:
    whole = match.group(0)
    keep = match.start(surname_group) - match.start(0) + len(match.group(surname_group))
    return whole[:keep] + "*" * (len(whole) - keep)


def mask_free_text(text: str) -> str:
    """Mask ID numbers, phones, e-mail addresses and names inside free text: 张伟来电
    13812345678 -> 张*来电 138****5678. Names are found by their context (a cue word before,
    an honorific after, a common surname); this over-masks rather than under-masks."""
    if not text:
        return text
    out = _ID_IN_TEXT.sub(lambda m: mask(Pii.ID_NUMBER, m.group(0)), text)
    out = _MOBILE_IN_TEXT.sub(lambda m: mask(Pii.PHONE, re.sub(r"[-\s]", "", m.group(0))), out)
    out = _LANDLINE_IN_TEXT.sub(lambda m: m.group(0)[:-4] + "****", out)
    out = _EMAIL_IN_TEXT.sub(lambda m: m.group(0)[:1] + "***@" + m.group(0).split("@", 1)[1], out)
    out = _NAME_AFTER_CUE.sub(lambda m: _star_name(m, 2), out)
    out = _NAME_AFTER_CUE_GREEDY.sub(lambda m: _star_name(m, 2), out)
    return _NAME_BEFORE_TITLE.sub(lambda m: _star_name(m, 1), out)


class Cipher:
    """AES-256-GCM with a key derived (HKDF) from the platform secret; random nonce per value."""

    def __init__(self, secret: bytes):
        key = HKDF(SHA256(), 32, salt=b"skillwatch", info=b"pii-encryption").derive(secret)
        self._aead = AESGCM(key)

    def encrypt(self, value: str) -> str:
        nonce = os.urandom(12)
        token = nonce + self._aead.encrypt(nonce, value.encode(), None)
        return base64.urlsafe_b64encode(token).decode()

    def decrypt(self, token: str) -> str:
        raw = base64.urlsafe_b64decode(token.encode())
        return self._aead.decrypt(raw[:12], raw[12:], None).decode()
