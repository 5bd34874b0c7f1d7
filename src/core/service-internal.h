/* service-internal.h — what service.c shares with service-notify.c (the
 * readiness protocol and the watchdog). Not for other modules: they use
 * service.h. The state machine's rules stay in service.c; these are its
 * entry points and helpers. */
#pragma once

#include "service.h"
#include "unit.h"

/* service.c */
void service_set_state(Unit *u, ServiceState st);
bool service_state_has_timer(ServiceState st);
/* Arms the state timer relative to now; USEC_INFINITY disarms it. */
void service_arm_timer(Unit *u, usec_t relative);
usec_t service_timeout_start(Unit *u);
usec_t service_timeout_stop(Unit *u);
void service_enter_signal(Unit *u, ServiceState st, ServiceResult r);
void service_enter_start_post(Unit *u);
void service_enter_running(Unit *u, ServiceResult r);
void service_unwatch_main(Unit *u);
int service_watch_main(Unit *u, pid_t pid, bool child);
bool service_pid_is_our_child(pid_t pid);

/* service-notify.c */
bool service_state_has_watchdog(ServiceState st);
void service_watchdog_stop(Unit *u);
/* A ping (or the start): the next one is due within the interval. */
void service_watchdog_reset(Unit *u);
