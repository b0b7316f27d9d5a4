#!/usr/bin/env bash
# Backend for the Playwright suite: fresh SQLite database, built apps, test accounts.
source "$(dirname "$0")/common.sh"
PORT="${HITSM_E2E_PORT:-8765}"
export HITSM_DATA_DIR="$(mktemp -d /tmp/hitsm-e2e-XXXXXX)"
export HITSM_SECRET_KEY="e2e-$(python3 -c 'import secrets; print(secrets.token_urlsafe(40))')"
export HITSM_CELERY_EAGER=true  # jobs run inside the request: no worker process to manage
[ -f "$FRONTEND/apps/web/dist/index.html" ] || die "build the front end first (npm run build)"
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
cd "$BACKEND"
exec uv run --frozen uvicorn config.asgi:application --host 127.0.0.1 --port "$PORT" --log-level warning
