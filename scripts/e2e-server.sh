#!/usr/bin/env bash
# Backend for the Playwright suite: fresh SQLite database, built apps, test accounts.
source "$(dirname "$0")/common.sh"
PORT="${HITSM_E2E_PORT:-8765}"
# A fresh data directory and key per run; a spec that restarts its own server
# (web-wall-restart.spec.ts) passes both, so the second start keeps the database and sessions.
if [ -n "${HITSM_E2E_DATA_DIR:-}" ]; then
  export HITSM_DATA_DIR="$HITSM_E2E_DATA_DIR" && mkdir -p "$HITSM_DATA_DIR"
else
  export HITSM_DATA_DIR="$(mktemp -d /tmp/hitsm-e2e-XXXXXX)"
fi
export HITSM_SECRET_KEY="${HITSM_E2E_SECRET_KEY:-e2e-$(python3 -c 'import secrets; print(secrets.token_urlsafe(40))')}"
# The accounts and fixtures below are made once per data directory (they are not idempotent); a
# restart on a set-up directory goes straight to the server. HITSM_E2E_FIXTURES=accounts makes only
# the departments and the first three accounts (the restart spec needs no more).
SETUP_DONE="$HITSM_DATA_DIR/.e2e-setup-done"
FIXTURES="${HITSM_E2E_FIXTURES:-all}"
export HITSM_CELERY_EAGER=true  # jobs run inside the request: no worker process to manage
export HITSM_SITE_URL="http://127.0.0.1:$PORT"  # links in WeCom messages and the OAuth return address
# Every browser and API session of the suite signs in from 127.0.0.1: the per-address login
# throttle (30/min in production) would answer 429 to a busy minute of tests. Lockout per
# account (web-lockout.spec.ts) is separate and stays on.
export HITSM_LOGIN_RATE="${HITSM_LOGIN_RATE:-600/min}"
[ -f "$FRONTEND/apps/web/dist/index.html" ] || die "build the front end first (npm run build)"
if [ ! -f "$SETUP_DONE" ]; then
manage migrate --noinput -v 0
manage collectstatic --noinput -v 0
manage shell -c "
from hitsm.accounts.services import department_create
from hitsm.accounts.models import DepartmentKind
hq = department_create(name='总院区', code='HQ', kind=DepartmentKind.CAMPUS)
department_create(name='门诊部', code='MZ', kind=DepartmentKind.DEPARTMENT, parent=hq)
department_create(name='信息管理处', code='XXC', kind=DepartmentKind.DEPARTMENT, parent=hq)
"
manage hitsm_user admin --password 'Admin@Hitsm2026' --role admin --display-name 平台管理员 --department XXC
manage hitsm_user nurse_li --password 'Nurse@Hitsm2026' --role requester --display-name 李护士 --department MZ --title 护士
manage hitsm_user agent_chen --password 'Agent@Hitsm2026' --role agent --display-name 陈工 --department XXC
fi
if [ ! -f "$SETUP_DONE" ] && [ "$FIXTURES" = all ]; then
manage hitsm_user manager_zhao --password 'Manager@Hitsm2026' --role manager --display-name 赵主任 --department XXC
manage hitsm_user lock_test --password 'Lock@Hitsm2026' --role requester --display-name 锁定测试 --department MZ
manage hitsm_user engineer_wang --password 'Engineer@Hitsm2026' --role engineer --display-name 王工 --department XXC
manage shell -c "
from hitsm.accounts.models import User
from hitsm.servicedesk.models import AssignmentGroup, Category
group = AssignmentGroup.objects.create(name='桌面运维组', code='desktop')
group.members.add(User.objects.get(username='engineer_wang'))
AssignmentGroup.objects.create(name='应用组', code='apps')
hardware = Category.objects.create(name='硬件', code='hardware')
Category.objects.create(name='打印机', code='printer', parent=hardware, default_group=group)
Category.objects.create(name='应用系统', code='apps')
"
# A small CMDB graph for web-cmdb.spec.ts (the classes and relation types come from a migration).
# Every relation reads "source depends on target"; HIS sends lab requests to LIS as a data flow.
manage shell -c "
from hitsm.accounts.models import Department
from hitsm.cmdb.models import CIClass, RelationType
from hitsm.cmdb.services import ci_create, relation_create
mz = Department.objects.get(code='MZ')
xxc = Department.objects.get(code='XXC')
def ci(cls, code, name, **fields):
    return ci_create(ci_class=CIClass.objects.get(code=cls), code=code, name=name, **fields)
def rel(source, target, kind, data_set=None):
    relation_create(source=source, target=target, type=RelationType.objects.get(code=kind), data_set=data_set)
owner = ci('owner', 'OWN-MZ', '门诊部', owner_department=mz)
reg = ci('business_activity', 'BA-REG', '门诊挂号', owner_department=mz, clinical_critical=True)
lab = ci('business_activity', 'BA-LAB', '检验申请与报告', owner_department=mz)
his = ci('application', 'HIS', 'HIS', owner_department=xxc, clinical_critical=True, attributes={'vendor': '某软件公司', 'mlps_level': '三级'})
lis = ci('application', 'LIS', 'LIS', owner_department=xxc)
lab_request = ci('business_data', 'DATA-LABREQ', '检验申请', attributes={'sensitivity': '患者隐私'})
vm_his = ci('virtual_machine', 'vm-his', 'vm-his', owner_department=xxc, attributes={'ip_address': '10.1.1.10', 'os': 'CentOS 7', 'vcpu': 8})
vm_lis = ci('virtual_machine', 'vm-lis', 'vm-lis', owner_department=xxc, attributes={'ip_address': '10.1.1.11'})
db_his = ci('database', 'db-his', 'db-his', attributes={'engine': 'Oracle'})
server = ci('physical_server', 'srv-01', 'srv-01', attributes={'serial_no': 'SN001'})
switch = ci('network_device', 'sw-core', 'sw-core', attributes={'ip_address': '10.0.0.1'})
room = ci('datacenter_room', 'room-a', '数据机房 A')
rel(owner, reg, 'owns')
rel(reg, his, 'uses')
rel(lab, lis, 'uses')
rel(his, vm_his, 'runs_on')
rel(lis, vm_lis, 'runs_on')
rel(his, db_his, 'depends_on')
rel(db_his, server, 'runs_on')
rel(vm_his, server, 'hosted_in')
rel(vm_lis, server, 'hosted_in')
rel(server, switch, 'connected_to')
rel(switch, room, 'hosted_in')
rel(his, lis, 'data_flow', data_set=lab_request)
"
# This month's tickets of one department for web-kpi.spec.ts (检验科: no other spec files tickets
# there), so the KPI board filtered to it has exact numbers: three incidents, one of them without a
# configuration item (合规性 1 / 3 = 33.3%), and three tickets resolved by 王工.
manage shell -c "
from hitsm.accounts.models import Department, DepartmentKind, User
from hitsm.accounts.services import department_create, user_create
from hitsm.cmdb.models import ConfigurationItem
from hitsm.core.context import acting_as
from hitsm.servicedesk.models import AssignmentGroup
from hitsm.servicedesk.services import ticket_accept, ticket_assign, ticket_create, ticket_resolve
with acting_as(label='e2e:kpi'):
    lab = department_create(name='检验科', code='JYK', kind=DepartmentKind.DEPARTMENT, parent=Department.objects.get(code='HQ'))
    sun = user_create(username='lab_sun', display_name='孙检验师', department=lab, roles=['requester'])
    agent = User.objects.get(username='agent_chen')
    wang = User.objects.get(username='engineer_wang')
    desktop = AssignmentGroup.objects.get(code='desktop')
    lis = ConfigurationItem.objects.get(code='LIS')
    def new(kind, title, cis=()):
        return ticket_create(requester=sun, submitted_by=agent, kind=kind, title=title, channel='phone', configuration_items=cis)
    def resolve(ticket):
        ticket = ticket_accept(ticket=ticket, actor=agent)
        ticket = ticket_assign(ticket=ticket, actor=agent, group=desktop, assignee=wang)
        return ticket_resolve(ticket=ticket, actor=wang, code='fixed', notes='已处理')
    resolve(new('incident', 'LIS 报告打印失败', [lis]))
    ticket_accept(ticket=new('incident', 'LIS 登录缓慢', [lis]), actor=agent)
    new('incident', '检验科 3 号生化分析仪无法联网')
    resolve(new('request', '检验科新增条码打印机'))
    resolve(new('request', '开通检验科共享盘权限'))
"
# SLA (web-sla.spec.ts): 孙组长 leads 急诊保障组, the default group of the 急救设备 category, so an
# escalation to the group leader reaches him. The scanner fires warnings, breaches and escalation
# levels every 2 s (Celery beat does it in production); a watchdog stops it with the server, and
# Playwright's process-group kill reaches it too.
manage hitsm_user leader_sun --password 'Leader@Hitsm2026' --role engineer --display-name 孙组长 --department XXC
# 三员分立 (web-audit.spec.ts): the auditor and the security officer, appointed on the command line
# as in production; an account for the officer to unlock; a colleague in nurse_li's department,
# who sees her phone numbers masked.
manage hitsm_user auditor_sun --password 'Auditor@Hitsm2026' --role auditor --display-name 孙审计 --department XXC
manage hitsm_user security_qian --password 'Security@Hitsm2026' --role security_officer --display-name 钱安全 --department XXC
manage hitsm_user unlock_test --password 'Unlock@Hitsm2026' --role requester --display-name 解锁测试 --department MZ
manage hitsm_user nurse_he --password 'NurseHe@Hitsm2026' --role requester --display-name 何护士 --department MZ --title 护士
manage shell -c "
from hitsm.accounts.models import User
from hitsm.servicedesk.models import AssignmentGroup, Category
leader = User.objects.get(username='leader_sun')
group = AssignmentGroup.objects.create(name='急诊保障组', code='emergency', manager=leader)
group.members.add(leader)
Category.objects.create(name='急救设备', code='emergency', default_group=group)
"
fi
uv run --directory "$BACKEND" --frozen python manage.py sla_scan --loop 2 >>"$HITSM_DATA_DIR/sla-scan.log" 2>&1 &
SLA_SCAN_PID=$!
uv run --directory "$BACKEND" --frozen python manage.py workflow_timers --loop 2 >>"$HITSM_DATA_DIR/workflow-timers.log" 2>&1 &
TIMERS_PID=$!
# WeCom (web-wecom.spec.ts): a fake WeCom on 127.0.0.1 whose members include nurse_li; the spec
# enters its credentials on the 企业微信 page (nothing comes from the environment here).
if [ ! -f "$SETUP_DONE" ] && [ "$FIXTURES" = all ]; then
manage shell -c "
from hitsm.accounts.models import User
User.objects.filter(username='nurse_li').update(wecom_userid='nurse_li')
User.objects.filter(username='engineer_wang').update(wecom_userid='engineer_wang')
"
fi
touch "$SETUP_DONE"
WECOM_FAKE_PORT="${HITSM_E2E_WECOM_PORT:-8791}"
uv run --directory "$BACKEND" --frozen python manage.py wecom_fake --no-console --members-from-db \
  --port "$WECOM_FAKE_PORT" --callback "http://127.0.0.1:$PORT/wecom/callback" \
  >>"$HITSM_DATA_DIR/wecom-fake.log" 2>&1 &
WECOM_PID=$!
( while kill -0 $$ 2>/dev/null; do sleep 2; done; kill "$SLA_SCAN_PID" "$TIMERS_PID" "$WECOM_PID" 2>/dev/null ) >/dev/null 2>&1 &
cd "$BACKEND"
exec uv run --frozen uvicorn config.asgi:application --host 127.0.0.1 --port "$PORT" --log-level warning
