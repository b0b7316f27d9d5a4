"""HOSP workload generator: a hospital's years of service-desk history, bulk-loaded.

    uv run --project ../backend python generate.py --profile HOSP-100K   (SQLite or PostgreSQL)
    DATABASE_URL=postgres://postgres@127.0.0.1/hitsm_bench uv run ... --profile HOSP-1M

Deterministic (seeded); loads with COPY on PostgreSQL and executemany on SQLite. Titles and
descriptions are drawn from realistic hospital IT reports; their jieba tokens are computed once
per template, so a million tickets load in minutes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

PROFILES = {
    # tickets, events per ticket, users, departments, agents, groups, CIs, open tickets, years
    "HOSP-1M": (1_000_000, 4, 8_000, 300, 60, 8, 5_000, 10_000, 5),
    "HOSP-100K": (100_000, 4, 2_000, 120, 30, 8, 1_000, 2_000, 2),
    "HOSP-10K": (10_000, 4, 500, 60, 20, 6, 300, 500, 1),
    "HOSP-SMOKE": (500, 4, 100, 20, 10, 4, 50, 100, 1),  # CI: proves the harness runs
    # the SLA scanner's 10,000 open tickets without the 1M history (quick to load, bench/sla.py)
    "SLA-10K": (20_000, 4, 2_000, 120, 30, 8, 1_000, 10_000, 1),
}


@dataclass(frozen=True)
class Profile:
    name: str
    tickets: int
    events_per_ticket: int
    users: int
    departments: int
    agents: int
    groups: int
    cis: int
    open_tickets: int
    years: int


def profile(name: str) -> Profile:
    return Profile(name, *PROFILES[name])


PLACES = ["门诊3楼", "门诊1楼收费处", "急诊分诊台", "住院A座7楼护士站", "住院B座9楼", "检验科采血窗口",
          "放射科登记台", "药房发药窗口", "手术室3号间", "ICU护士站", "体检中心", "东院门诊2楼",
          "心内科医生办公室", "超声科2号诊室", "病案室", "财务处"]
PROBLEMS = [
    ("incident", "打印机一直卡纸，处方打不出来", "换了纸还是卡，病人在排队等处方。"),
    ("incident", "腕带打印机打不出来", "打印腕带时提示缺纸，实际有纸。"),
    ("incident", "条码打印机打印模糊", "检验条码扫不出来，采血窗口排队。"),
    ("incident", "HIS登不上去", "提示用户名或密码错误，早上还能用。"),
    ("incident", "医生站开医嘱很慢", "保存医嘱要转圈十几秒，门诊病人多。"),
    ("incident", "电子病历保存失败", "EMR 保存时报错，病历内容丢失。"),
    ("incident", "PACS调阅影像很慢", "打开 CT 序列要一分钟。"),
    ("incident", "LIS检验报告打不开", "医生站看不到今天的检验结果。"),
    ("incident", "电脑蓝屏重启", "反复蓝屏，错误代码 0x0000007B。"),
    ("incident", "电脑开不了机", "按电源键没反应，指示灯不亮。"),
    ("incident", "网络不通上不了内网", "网线插好了，右下角显示无网络。"),
    ("incident", "Wi-Fi信号很差PDA经常断线", "走廊尽头 PDA 扫码总是断开。"),
    ("incident", "医保卡读卡器读不出卡", "插卡后提示读卡失败，换了卡也一样。"),
    ("incident", "身份证读卡器没反应", "挂号时刷身份证没有反应。"),
    ("incident", "自助机无法打印挂号单", "自助挂号机出纸口不出纸。"),
    ("incident", "排队叫号屏不显示", "叫号屏黑屏，病人不知道叫到几号。"),
    ("incident", "手麻系统记录不能保存", "术中记录保存时卡死。"),
    ("incident", "合理用药提示弹窗不出来", "开药时没有合理用药审查提示。"),
    ("incident", "OA打不开", "浏览器打开 OA 一直白屏。"),
    ("incident", "扫码枪扫不出条码", "扫码枪有红光但是没反应。"),
    ("incident", "显示器闪屏", "显示器一直闪，看久了眼睛疼。"),
    ("incident", "企业微信收不到消息", "电脑端企业微信消息延迟很久。"),
    ("request", "HIS账号开通", "新入职医生需要 HIS 账号和处方权限。"),
    ("request", "EMR权限调整", "转科后需要调整电子病历书写权限。"),
    ("request", "密码重置", "忘记 HIS 密码，需要重置。"),
    ("request", "新增一台条码打印机", "采血窗口新增工位，需要条码打印机。"),
    ("request", "安装医保读卡器驱动", "新电脑需要安装医保读卡器驱动。"),
    ("request", "申请VPN账号", "居家办公需要访问内网。"),
    ("request", "U盘权限申请", "科研资料拷贝需要开通 U 盘权限。"),
    ("request", "电脑安装打印机驱动", "新买的打印机需要装驱动。"),
    ("request", "申请邮箱", "新同事需要医院邮箱。"),
    ("request", "会议室投影调试", "周三上午院周会需要调试投影。"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢"
GIVEN = "伟芳娜敏静丽强磊洋艳勇军杰娟涛明超霞平刚华飞玲桂兰英斌鹏辉宇浩凯健俊帆琳晨瑶婷雪"


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
