#!/usr/bin/env python3.11
# ruff: noqa: E501  (the declarations are log templates and source references, one line each)
"""Derive the corrected-LogHub labels of the fifth to seventh fresh groups from their
format-string labels (bench data tooling, not product code).

build_fresh5.py, build_fresh6.py and build_fresh7.py ``label`` write each line's template
as the program's format string, every conversion ``<*>`` whatever fills it, to
NAME/NAME_2k.log_structured_formatstring.csv and NAME_2k.log_templates_formatstring.csv.
This script reads those and writes NAME_2k.log_structured_corrected.csv and
NAME_2k.log_templates_corrected.csv under the convention of the older sets (the corrected
LogHub templates, Khan et al. ICSE'22; README.md "How they were labelled"): a conversion
filled from a closed set of words that the program's (or its libraries') source fixes (a
state, mode, direction, verdict, operation or request-type name from a fixed table, an
enum-to-string result, a fixed reason phrase, an error string from a fixed table) is
replaced by the text printed on that line, so each different word is a different template;
a conversion filled from data (names, addresses, ports, paths, numbers of any kind, times,
client input, configuration values) stays ``<*>``.

DECL below says, per set, per format-string template, per slot (0-based index of the
``<*>`` in the template), either CLOSED (every value printed there is the program's word:
it is printed; CLOSED + ":" + a regex says the shape of its words, to split a line), DATA + a regex (data, stays ``<*>``; the regex, the value's shape as the
source fixes it, only splits the line where two splits are possible) or a list of the program's words that may fill it (a value equal to one is
printed; any other value stays ``<*>``).  A word may itself hold ``<*>``: program text glued
to data in one conversion (knot's ``"key %s%s%s%s"`` prints ``'`` name ``'``; its
``"%u%s"`` a serial and ``, expires in %u seconds``); a value that matches such a word
becomes that word.  Each declaration carries a one-line source reference (file, function)
at the tag that the build script's docstring names.  Slots not declared stay ``<*>``.

Checks: every line's Content matches its format-string template (each ``<*>`` a lazy
group, anchored, whitespace flexible) and its new template; the lazy and the greedy match must agree on every
declared slot (otherwise the split is ambiguous where it matters); every declared template
exists, every declared slot index exists, every declared slot prints a program word on at
least one line.  EventIds are E1, E2, ... as build.py gives them: in the order of the
format-string templates, and under one format-string template in the order of first
appearance in the log.

Usage: python3.11 bench/logsets/relabel.py [NAME..]
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLOSED = "closed"
DATA = (
    "data:"  # DATA + a regex: a data slot (stays <*>) whose shape the source fixes, to split a line
)

# DECL[set][format-string template] = {slot: (CLOSED or [words], "source reference")}
DECL: dict[str, dict[str, dict[int, tuple[str | list[str], str]]]] = {}

# ---------------------------------------------------------------------------
# Knot: knotd 3.2.6, src/ at tag v3.2.6 of github.com/CZ-NIC/knot.  Slot 0 of "[<*>.] " is
# the zone name (data).  knot_strerror() is libknot's fixed error table (libknot/error.c).
# ---------------------------------------------------------------------------
_KE = "knot_strerror(), libknot/error.c's fixed table"
_NSOP = (
    CLOSED,
    'ns_log\'s "%s%s" (knot/nameserver/log.h): operation name (AXFR/IXFR/DDNS/refresh/notify from the log macros) and LOG_DIRECTION\'s ", incoming"/", outgoing"',
)
_REFRESH = (
    CLOSED,
    'REFRESH_LOG (knot/events/handlers/refresh.c): the literal operation "refresh", no direction',
)
DECL["Knot"] = {
    "module '<*>', loaded static": {
        0: (
            CLOSED,
            "knot/conf/module.c conf_mod_load_common(): mod->api->name of a compiled-in static module (the static_modules table)",
        )
    },
    "control, received command '<*>'": {
        0: (
            CLOSED,
            "knot/ctl/process.c ctl_process(): logged only when ctl_str_to_cmd() found the name in ctl_cmd's table (knot/ctl/commands.c cmd_table)",
        )
    },
    "[<*>.] control, received command '<*>'": {
        1: (
            CLOSED,
            "knot/ctl/process.c ctl_process() and commands.c zones_apply(): a command name of cmd_table (checked by ctl_str_to_cmd)",
        )
    },
    "[<*>.] control, error (<*>)": {1: (CLOSED, "knot/ctl/commands.c zones_apply(): " + _KE)},
    "control, config item '<*>'": {
        0: (
            ["zone[<*>]"],
            "knot/ctl/commands.c ctl_log_conf_data(): '%s%s%s%s%s%s' section name of the config schema, '[' id ']' (the id is data), '.' item",
        )
    },
    "[<*>.] failed to parse zone file '<*>' (<*>)": {
        2: (CLOSED, "knot/events/handlers/load.c event_load(): " + _KE)
    },
    "[<*>.] loaded, serial <*> -> <*>, <*> bytes<*>": {
        4: (
            ["", ", expires in <*> seconds"],
            'knot/events/handlers/load.c event_load(): expires_in is "" or snprintf ", expires in %u seconds"',
        )
    },
    "[<*>.] failed to load journal (<*>)": {
        1: (CLOSED, "knot/events/handlers/load.c event_load(): " + _KE)
    },
    "[<*>.] zone loader, <*> in zone, file '<*>', line <*> (<*>)": {
        1: (
            CLOSED,
            'knot/zone/zonefile.c process_error(): s->error.fatal ? "fatal error" : "error"',
        ),
        4: (
            CLOSED,
            "knot/zone/zonefile.c process_error(): zs_strerror(), libzscanner's fixed error table (libzscanner/error.c)",
        ),
    },
    "[<*>.] failed to apply journal changes, serial <*> -> <*> (<*>)": {
        3: (CLOSED, "knot/zone/zone-load.c zone_load_journal(): " + _KE)
    },
    "[<*>.] zone event '<*>' failed (<*>)": {
        1: (
            CLOSED,
            "knot/events/events.c event_wrap(): info->name of the fixed EVENT_INFO table (events.c)",
        ),
        2: (CLOSED, "knot/events/events.c event_wrap(): " + _KE),
    },
    "[<*>.] <*>, address <*>, failed (<*>)": {
        1: (
            ["refresh, remote <*>", "refresh"],
            'knot/zone/zone.c log_try_addr_error(): "%s%s%s" err_str ("refresh", from refresh.c event_refresh) and ", remote " remote name (data)',
        ),
        3: (CLOSED, "knot/zone/zone.c log_try_addr_error(): " + _KE),
    },
    "[<*>.] <*>, remote <*> not usable": {
        1: (
            CLOSED,
            'knot/zone/zone.c zone_master_try(): err_str, the literal "refresh" passed by events/handlers/refresh.c event_refresh()',
        )
    },
    "[<*>.] refresh, failed (<*>), next retry at <*>": {
        1: (CLOSED, "knot/events/handlers/refresh.c event_refresh(): " + _KE)
    },
    "[<*>.] <*> timer trimmed to '<*>-<*>-interval'": {
        1: (
            CLOSED,
            'knot/events/handlers/refresh.c limit_timer(): tm_name, a literal timer name ("refresh", "retry", "expire") of its callers',
        ),
        2: (CLOSED, "knot/events/handlers/refresh.c limit_timer(): tm_name again"),
        3: (CLOSED, 'knot/events/handlers/refresh.c limit_timer(): the literal "min" or "max"'),
    },
    "[<*>.] <*>, remote <*>, started, serial <*>": {1: _NSOP},
    "[<*>.] <*>, remote <*>, started, serial <*> -> <*>": {1: _NSOP},
    "[<*>.] <*>, remote <*>, started": {1: _NSOP},
    "[<*>.] <*>, remote <*>, finished, <*> seconds, <*> messages, <*> bytes": {1: _NSOP},
    "[<*>.] <*>, remote <*>, incomplete history, serial <*>, fallback to AXFR": {1: _NSOP},
    "[<*>.] <*>, remote <*>, failed (inconsistent history)": {1: _NSOP},
    "[<*>.] <*>, remote <*>, receiving AXFR-style IXFR": {1: _NSOP},
    "[<*>.] <*>, remote <*>, remote serial <*>, zone is outdated": {1: _REFRESH},
    "[<*>.] <*>, remote <*>, remote serial <*>, zone is up-to-date<*>": {
        1: _REFRESH,
        4: (
            ["", ", expires in <*> seconds"],
            'knot/events/handlers/refresh.c soa_query_consume() and fill_expires_in(): "" or ", expires in %u seconds"',
        ),
    },
    "[<*>.] <*>, remote <*>, zone updated, <*> seconds, serial <*> -> <*>": {
        1: _REFRESH,
        4: (
            ["none"],
            'knot/events/handlers/refresh.c xfr_log_publish(): old_info is "none" on bootstrap, else the serial (data)',
        ),
        5: (
            [
                "<*>, remote serial <*>, expires in <*> seconds",
                "<*>, remote serial <*>",
                "<*>, expires in <*> seconds",
            ],
            'knot/events/handlers/refresh.c xfr_log_publish(): "%u%s%s" the new serial, master_info ", remote serial %u" or "", expires_in ", expires in %u seconds" or ""',
        ),
    },
    "[<*>.] notify<*>, remote <*>, <*>serial <*>": {
        1: (
            CLOSED,
            'knot/events/handlers/notify.c NOTIFY_OUT_LOG / knot/nameserver/log.h ns_log: the direction ", outgoing" or ", incoming"',
        ),
        3: (CLOSED, 'knot/events/handlers/notify.c send_notify(): log_retry, "retry, " or ""'),
    },
    "[<*>.] notify<*>, remote <*>, <*>failed (<*>)": {
        1: (CLOSED, 'knot/events/handlers/notify.c NOTIFY_OUT_LOG: the direction ", outgoing"'),
        3: (CLOSED, 'knot/events/handlers/notify.c send_notify(): log_retry, "retry, " or ""'),
        4: (CLOSED, "knot/events/handlers/notify.c send_notify(): " + _KE),
    },
    "[<*>.] <*>, remote <*>, prerequisites not met (<*>)": {
        1: _NSOP,
        3: (CLOSED, "knot/events/handlers/update.c check_prereqs(): " + _KE),
    },
    "[<*>.] ACL, <*>, action <*>, remote <*>, key <*>": {
        1: (
            CLOSED,
            'knot/nameserver/process_query.c process_query_acl_check(): allowed ? "allowed" : "denied"',
        ),
        2: (
            CLOSED,
            'knot/nameserver/process_query.c process_query_acl_check(): act->name of the fixed acl_actions table, or "query"',
        ),
        4: (
            ["none", "'<*>'", "none, automatic", "'<*>', automatic"],
            'knot/nameserver/process_query.c process_query_acl_check(): "%s%s%s%s" quote, key name (data) or "none", quote, ", automatic" or ""',
        ),
    },
    "[<*>.] TSIG, key '<*>', verification failed '<*>'": {
        2: (
            CLOSED,
            "knot/nameserver/process_query.c process_query_verify(): item->name of libknot's fixed knot_tsig_rcode_names table",
        )
    },
    "[<*>.] DNSSEC, key, tag <*>, algorithm <*>": {
        2: (
            CLOSED,
            'knot/dnssec/zone-keys.c log_key_info(): "%s%s%s%s%s%s" alg->name of the fixed knot_dnssec_alg_names table (a number only for an unknown algorithm: none here) and the flags ", CSK"/", KSK", ", public", ", ready", ", active", ", active+"',
        )
    },
}

# ---------------------------------------------------------------------------
# Proftpd: proftpd 1.3.8, src/ and modules/ at tag v1.3.8 of github.com/proftpd/proftpd.
# ---------------------------------------------------------------------------
_PROTO = (
    CLOSED,
    'src/session.c pr_session_get_protocol(PR_SESS_PROTO_FL_LOGOUT): the session\'s protocol name, "ftp" by default, upper-cased for logging ("FTP", "FTPS", "SFTP", "SCP")',
)
DECL["Proftpd"] = {
    "<*> session opened.": {0: _PROTO},  # src/main.c fork_server()
    "<*> session closed.": {0: _PROTO},  # src/session.c pr_session_disconnect(), src/signals.c
    "client sent <*> command '<*>', disconnecting": {
        0: (
            CLOSED,
            'src/main.c pr_cmd_read(): cmd->protocol, the literal "HTTP", "SSH2" or "SMTP"',
        ),
        1: (
            CLOSED,
            "src/main.c cmd_loop(): cmd->argv[0], logged only when src/cmd.c is_known_cmd() found it exactly (strncmp) in the fixed http_ids/ssh2_ids/smtp_ids tables",
        ),
    },
    "Data transfer stall timeout: <*> <*>": {
        1: (CLOSED, 'src/data.c stalled_timeout_cb(): timeout_stalled != 1 ? "seconds" : "second"')
    },
    "<*> <*>: Login successful.": {
        0: (
            CLOSED,
            'modules/mod_auth.c auth_log_pass(): session.anon_config != NULL ? "ANON" : C_USER ("USER")',
        )
    },
    "user '<*>' authenticated by <*>": {
        1: (
            CLOSED,
            'modules/mod_auth.c setup_env(): session.auth_mech, a literal module name set by mod_auth_unix.c/mod_auth_file.c/mod_auth_pam.c ("mod_auth_unix.c")',
        )
    },
    "mod_cap/1.1: capabilities '<*>'": {
        0: (
            CLOSED,
            "modules/mod_cap.c lp_debug(): libcap's cap_to_text() of the capability set that mod_cap builds from its fixed list (CAP_CHOWN, CAP_SETUID, ...)",
        )
    },
    "Transfer <*> <*> bytes in <*>.<*> seconds": {
        0: (
            ["completed:", "aborted after"],
            'modules/mod_xfer.c _log_transfer(): abort_flag == \'c\' ? "completed:" : "aborted after"',
        )
    },
}

# ---------------------------------------------------------------------------
# Icecast: icecast 2.4.4, src/ at tag v2.4.4 of github.com/xiph/Icecast-Server.
# ---------------------------------------------------------------------------
_ADMCMD = (
    CLOSED,
    "src/admin.c admin_handle_request(): command_string, logged only after admin_get_command() found it by strcmp() in its fixed table of command names (metadata, listclients, manageauth.xsl, ...)",
)
DECL["Icecast"] = {
    "Bad or missing password on mount modification admin request (command: <*>)": {0: _ADMCMD},
    'Received admin command <*> on mount "<*>"': {0: _ADMCMD},
    "Admin command <*> on non-existent source <*>": {0: _ADMCMD},
    'Warning, <hostname> not configured, using default value "<*>". This will cause problems, e.g. with YP directory listings.': {
        0: (
            CLOSED,
            'src/cfgfile.c _parse_root(): the macro CONFIG_DEFAULT_HOSTNAME ("localhost"), the program\'s one default',
        )
    },
    'req for file "<*>" <*>': {1: (CLOSED, "src/fserve.c fserve_client_create(): strerror(errno)")},
}

# ---------------------------------------------------------------------------
# Prosody: prosody 0.12.3, the Lua source installed by Debian's prosody 0.12.3-1+deb12u1 in
# /usr/lib/prosody/ (what build_fresh6.py labelled from).
# ---------------------------------------------------------------------------
_SERVICE = (
    CLOSED,
    'core/portmanager.lua activate()/deactivate(): service_name, the "name" of a module:provides("net", ...) (modules/mod_c2s.lua: "c2s", "c2s_direct_tls", "legacy_ssl"; mod_component.lua: "component")',
)
DECL["Prosody"] = {
    "Error indexing certificate directory <*>: <*>": {
        0: (
            DATA + "[^:]*",
            "core/certmanager.lua index_certs(): dir, the certificate directory (a path; printed again inside the error)",
        ),
        1: (
            ["cannot open <*>: No such file or directory", "cannot open <*>: Permission denied"],
            'core/certmanager.lua index_certs(): the error of lfs.dir(), luafilesystem\'s "cannot open %s: %s" (dir path, strerror)',
        ),
    },
    "Activated service '<*>' on <*>": {
        0: _SERVICE,
        1: (["no ports"], 'core/portmanager.lua activate(): "no ports", else the port list (data)'),
    },
    "Deactivated service '<*>'": {0: _SERVICE},
    "Client disconnected: <*>": {
        0: (
            ["connection closed"],
            'modules/mod_c2s.lua listener.ondisconnect(): err or the literal "connection closed"',
        )
    },
    "component disconnected: <*> (<*>)": {
        1: (
            ["stream error"],
            'modules/mod_component.lua session_close(): listener.ondisconnect(session.conn, "stream error")',
        )
    },
    "Shutting down: <*>": {
        0: (
            [
                "Received SIGTERM",
                "Received SIGINT",
                "Refusing to run as root",
                "Couldn't write pidfile",
                "Prosody already running",
                "Shutdown by adhoc command",
                "unknown reason",
            ],
            'util/startup.lua prosody.shutdown(): reason or "unknown reason"; the literal reasons of modules/mod_posix.lua ("Received SIGTERM") and mod_admin_adhoc.lua',
        )
    },
    "Prosody is using the <*> backend for connection handling": {
        0: (
            CLOSED,
            'util/startup.lua prepare_to_start(): server.get_backend(), the literal "epoll" of net/server_epoll.lua (or "select"/"event")',
        )
    },
}

# ---------------------------------------------------------------------------
# Tinyproxy: tinyproxy 1.11.1, src/ at tag 1.11.1 of github.com/tinyproxy/tinyproxy.
# ---------------------------------------------------------------------------
_PTYPE = (
    CLOSED,
    'src/upstream.c proxy_type_name(): "none", "http", "socks4", "socks5" or "unknown"',
)
DECL["Tinyproxy"] = {
    "line <*>: deprecated option <*>": {
        1: (
            CLOSED,
            'src/conf.c warn_deprecated(), called by handle_filterextended() with the literal "FilterExtended, use FilterType"',
        )
    },
    'Proxying refused on filtered <*> "<*>"': {
        0: (CLOSED, 'src/reqs.c process_request(): fu ? "url" : "domain"')
    },
    'process_client_headers failed: <*>. host "<*>" using file descriptor <*>.': {
        0: (CLOSED, "src/reqs.c handle_connection(): strerror(errno)")
    },
    'process_server_headers failed: <*>. host "<*>" using file descriptor <*>.': {
        0: (CLOSED, "src/reqs.c handle_connection(): strerror(errno)")
    },
    "opensock: Could not retrieve address info for <*>:<*>: <*>": {
        2: (CLOSED, "src/sock.c opensock(): get_gai_error(), gai_strerror() or strerror()")
    },
    "Added upstream <*> <*>:<*> for <*>": {0: _PTYPE},  # src/upstream.c upstream_build()
    "Found upstream proxy <*> <*>:<*> for <*>": {0: _PTYPE},  # src/upstream.c upstream_get()
}

# ---------------------------------------------------------------------------
# Kea: kea-dhcp4 2.2.0, src/ at tag Kea-2.2.0 of ISC's repository (github.com/isc-projects/kea).
# The catalogue's %1, %2 ... are the .arg() calls where the message is logged; their slots here.
# ---------------------------------------------------------------------------
_PKTNAME = (
    CLOSED,
    "src/lib/dhcp/pkt4.cc Pkt4::getName(): the fixed message type names (DHCPDISCOVER, DHCPOFFER, ...)",
)
_MS = (
    ["<*> ms"],
    'src/lib/util/stopwatch_impl.cc StopwatchImpl::logFormat(): the duration and the literal " ms"',
)
DECL["Kea"] = {
    "DHCP4_BUFFER_RECEIVE_FAIL error on attempt to receive packet: <*>": {
        0: (
            ["Truncated DHCPv4 packet (len=<*>) received, at least <*> is expected."],
            'src/lib/dhcp/pkt4.cc Pkt4::Pkt4(): the exception text "Truncated DHCPv4 packet (len=" len ") received, at least " DHCPV4_PKT_HDR_LEN " is expected."',
        )
    },
    "DHCP4_CONFIG_COMPLETE DHCPv4 server has completed configuration: <*>": {
        0: (
            [
                "added IPv4 subnets: <*>; DDNS: disabled",
                "added IPv4 subnets: <*>; DDNS: enabled",
                "no IPv4 subnets!; DDNS: disabled",
                "no IPv4 subnets!; DDNS: enabled",
            ],
            'src/lib/dhcpsrv/srv_config.cc SrvConfig::getConfigSummary(): "added IPv4 subnets: " count or "no IPv4 subnets!", "DDNS: " "enabled"/"disabled"',
        )
    },
    "DHCP4_CONFIG_LOAD_FAIL configuration error using file: <*>, reason: <*>": {
        1: (
            ["<*>: syntax error, unexpected constant string, expecting integer"],
            "src/bin/dhcp4/dhcp4_parser.cc Dhcp4Parser::yysyntax_error_() (bison-generated): the position (data) and the fixed token names of the grammar",
        )
    },
    "DHCP4_MULTI_THREADING_INFO enabled: <*>, number of threads: <*>, queue size: <*>": {
        0: (
            CLOSED,
            'src/bin/dhcp4/ctrl_dhcp4_srv.cc ControlledDhcpv4Srv::loadConfigFile(): getMode() ? "yes" : "no"',
        )
    },
    "DHCP4_PACKET_NAK_0001 <*>: failed to select a subnet for incoming packet, src <*>, type <*>": {
        2: (
            CLOSED,
            "src/bin/dhcp4/dhcp4_srv.cc Dhcpv4Srv::assignLease(): query->getName(), " + _PKTNAME[1],
        )
    },
    "DHCP4_PACKET_SEND <*>: trying to send packet <*> (type <*>) from <*>:<*> to <*>:<*> on interface <*>": {
        1: (
            CLOSED,
            "src/bin/dhcp4/dhcp4_srv.cc Dhcpv4Srv::processPacketBufferSend(): rsp->getName(), "
            + _PKTNAME[1],
        )
    },
    "DHCP4_PARSER_FAIL failed to create or run parser for configuration element <*>: <*>": {
        0: (
            CLOSED + ":[a-z0-9-]+",
            "src/bin/dhcp4/json_config_parser.cc configureDhcp4Server(): parameter_name, a global parameter name the parser knows (an unknown one fails earlier)",
        ),
        1: (
            ["subnet configuration failed: Invalid prefix length specified for subnet: <*> (<*>)"],
            'src/lib/dhcpsrv/parsers/dhcp_parsers.cc SubnetConfigParser::parse() and initSubnet(): "subnet configuration failed: " and "Invalid prefix length specified for subnet: " len, the position (data)',
        ),
    },
    "LEASE_CMDS_ADD4_FAILED lease4-add command failed (parameters: <*>, reason: <*>)": {
        1: (
            ["subnet-id not specified and failed to find a subnet for address <*>"],
            "src/hooks/dhcp/lease_cmds/lease_parser.cc Lease4Parser::parse(): the BadValue text and the address (data)",
        )
    },
    "STAT_CMDS_LEASE4_GET stat-lease4-get command successful, parameters: <*> rows found: <*>": {
        0: (
            ["[all subnets]"],
            'src/hooks/dhcp/stat_cmds/stat_cmds.cc LeaseStatCmdsImpl::Parameters::toText(): "[all subnets]" for LeaseStatsQuery::ALL_SUBNETS, else subnet ids (data)',
        )
    },
    "COMMAND_DEREGISTERED Command <*> deregistered": {
        0: (
            CLOSED,
            "src/lib/config/base_command_mgr.cc BaseCommandMgr::deregisterCommand(): cmd, a name that the server or a hook library registered (literal names in its source: build-report, config-reload, ...)",
        )
    },
    "COMMAND_SOCKET_CLOSED_BY_FOREIGN_HOST Closed command socket <*> by foreign host, <*>": {
        1: (
            ["discarding partial command of <*> bytes", "no input data to discard"],
            'src/lib/config/command_mgr.cc Connection::receiveHandler(): "discarding partial command of " size " bytes" or "no input data to discard"',
        )
    },
    "ALLOC_ENGINE_V4_ALLOC_FAIL_CLASSES <*>: Failed to allocate an IPv4 address for client with classes: <*>": {
        1: (
            ["ALL, UNKNOWN", "ALL, KNOWN", "ALL"],
            'src/lib/dhcpsrv/alloc_engine.cc AllocEngine::allocateUnreservedLease4(): classes.toText(); "ALL", "KNOWN", "UNKNOWN" are the built-in classes (src/lib/dhcp/classify.h), other classes are configuration (data)',
        )
    },
    "ALLOC_ENGINE_V4_ALLOC_FAIL_SUBNET <*>: failed to allocate an IPv4 lease in the subnet <*>, subnet-id <*>, shared network <*>": {
        3: (
            ["(none)"],
            'src/lib/dhcpsrv/alloc_engine.cc AllocEngine::allocateUnreservedLease4(): "(none)" when the subnet has no shared network, else its name (data)',
        )
    },
    "ALLOC_ENGINE_V4_LEASES_RECLAMATION_COMPLETE reclaimed <*> leases in <*>": {1: _MS},
    "DHCPSRV_CFGMGR_NEW_SUBNET4 a new subnet has been added to configuration: <*>": {
        0: (
            ["<*> with params: t1=<*>, t2=<*>, valid-lifetime=<*>"],
            'src/lib/dhcpsrv/parsers/dhcp_parsers.cc Subnet4ConfigParser::initSubnet(): prefix " with params: " "t1=" ", " "t2=" ", " "valid-lifetime="',
        )
    },
    "DHCPSRV_CFGMGR_SOCKET_TYPE_SELECT using socket type <*>": {
        0: (CLOSED, 'src/lib/dhcpsrv/cfg_iface.cc CfgIface::socketTypeToText(): "raw" or "udp"')
    },
    "HOSTS_BACKENDS_REGISTERED the following host backend types are available: <*>": {
        0: (
            CLOSED,
            "src/lib/dhcpsrv/host_data_source_factory.cc HostDataSourceFactory::printRegistered(): the names of the compiled-in host backends (mysql, postgresql)",
        )
    },
    "EVAL_RESULT Expression <*> evaluated to <*>": {
        1: (
            CLOSED,
            "src/bin/dhcp4/dhcp4_srv.cc Dhcpv4Exchange::evaluateClasses(): the bool status (logged at INFO only when true: 1)",
        )
    },
    "HOOKS_CALLOUT_ERROR error returned by callout on hook <*> registered by library with index <*> (callout address <*>) (callout duration <*>)": {
        3: _MS
    },  # src/lib/hooks/callout_manager.cc CalloutManager::callCallouts()
}

# ---------------------------------------------------------------------------
# Ngircd: ngircd 26.1, src/ngircd/ at tag rel-26.1 of github.com/ngircd/ngircd.
# ---------------------------------------------------------------------------
_NG_REASONS = [
    "Got QUIT command",  # irc-login.c IRC_QUIT()
    "Client closed connection",  # conn.c Read_Request()
    "Can't connect",  # conn.c cb_connserver(), cb_connserver_login_ssl()
    "Timeout",  # conn.c Check_Connections()
    "Server not configured here",  # irc-server.c IRC_SERVER()
    "Server going down",  # conn.c Conn_Exit()
    "Server going down (restarting)",  # conn.c Conn_Exit()
    "Read error",  # conn.c Read_Request()
    "KILLed by <*>: <*>",  # irc.c IRC_KILL(): snprintf "KILLed by %s: %s" (killer, client's reason)
    '"<*>" (SQUIT from <*>)',  # irc-server.c IRC_SQUIT(): snprintf "\"%s\" (SQUIT from %s)"
]
_NG_REASON = (
    _NG_REASONS,
    "the LogMsg/FwdMsg literals that ngircd passes to conn.c Conn_Close() and client.c Client_Destroy() (callers named beside each word in _NG_REASONS); a client's QUIT/KILL/SQUIT text stays <*>",
)
_NG_TYPE = (CLOSED, 'client.c Client_TypeText(): "User", "Service", "Server" ... by client type')
_NG_PLURAL = (CLOSED, 'the plural suffix "" or "s" chosen by the count')
_NG_ERRNO = (CLOSED, "strerror(errno)")
DECL["Ngircd"] = {
    '<*> "<*>" registered (connection <*>).': {0: _NG_TYPE},  # client.c Client_Introduce()
    '<*> "<*>" unregistered (connection <*>): <*>.': {
        0: _NG_TYPE,
        3: _NG_REASON,
    },  # client.c Client_Destroy()
    'Client "<*>" unregistered (connection <*>): <*>.': {
        2: _NG_REASON
    },  # client.c Client_Destroy()
    "Client unregistered (connection <*>): <*>.": {1: _NG_REASON},  # client.c Client_Destroy()
    'Server "<*>" unregistered (connection <*>): <*>.': {
        2: _NG_REASON
    },  # client.c Client_Destroy()
    'Shutting down connection <*> (<*>) with "<*>:<*>" ...': {
        0: (DATA + r"\d+", "conn.c Conn_Close(): Idx, the connection number (%d)"),
        1: _NG_REASON,
    },  # conn.c Conn_Close()
    "Can't bind socket to address <*>:<*> - <*>!": {
        2: (CLOSED, "conn.c NewListener(): " + _NG_ERRNO[1])
    },
    'Can\'t connect socket to "<*>:<*>" (connection <*>): <*>!': {
        3: (CLOSED, "conn.c cb_connserver(): strerror(err)")
    },
    '<*> "<*>" changed nick (connection <*>): "<*>" -> "<*>".': {
        0: _NG_TYPE
    },  # irc-login.c Change_Nick()
    'Synchronization with "<*>" done (connection <*>): <*> second<*> [<*> users, <*> channels].': {
        3: (CLOSED, "irc-login.c IRC_PONG(): " + _NG_PLURAL[1])
    },
    'Got invalid OPER from "<*>": "<*>" -- <*>!': {
        2: (
            CLOSED,
            'irc-oper.c Bad_OperPass(), called by IRC_OPER() with "not configured", "bad password" or "hostmask check failed"',
        )
    },
    "<*> done<*>, served <*> connection<*>.": {
        0: (CLOSED, 'log.c Log_Exit(): PACKAGE_NAME ("ngIRCd")'),
        1: (CLOSED, 'log.c Log_Exit(): NGIRCd_SignalRestart ? " (restarting)" : ""'),
        3: (CLOSED, "log.c Log_Exit(): " + _NG_PLURAL[1]),
    },
    "Error unlinking PID file (<*>): <*>": {
        1: (CLOSED, "ngircd.c Pidfile_Delete(): " + _NG_ERRNO[1])
    },
    "Error writing PID file (<*>): <*>": {
        1: (CLOSED, "ngircd.c Pidfile_Create(): " + _NG_ERRNO[1])
    },
    'Got signal "<*>" ...': {0: (CLOSED, "sighandlers.c Signal_Handler(): strsignal(Signal)")},
}

# ---------------------------------------------------------------------------
# Cups: cupsd 2.4.2, scheduler/ and cups/ at tag v2.4.2 of github.com/OpenPrinting/cups
# (the source of the orig tarball build_fresh5.py names).
# ---------------------------------------------------------------------------
DECL["Cups"] = {
    "Remote access is <*>.": {
        0: (
            CLOSED,
            'scheduler/conf.c cupsdReadConfiguration(): RemotePort ? "enabled" : "disabled"',
        )
    },
    "[Client <*>] Returning IPP <*> for <*> (<*>) from <*>.": {
        1: (
            CLOSED,
            "scheduler/ipp.c cupsdProcessIPPRequest(): ippErrorString(), libcups's fixed status-name table (cups/ipp-support.c)",
        ),
        2: (
            CLOSED,
            "scheduler/ipp.c cupsdProcessIPPRequest(): ippOpString(), libcups's fixed operation-name table (cups/ipp-support.c)",
        ),
    },
    "[Client <*>] IPP read error: <*>": {
        1: (
            CLOSED,
            'scheduler/client.c cupsdReadClient(): cupsLastErrorString(), set by cups/ipp.c ippReadIO() from fixed texts ("IPP name larger than 32767 bytes.")',
        )
    },
    'All jobs were <*> by "<*>".': {
        0: (
            CLOSED,
            'scheduler/ipp.c cancel_all_jobs(): purge == CUPSD_JOB_PURGE ? "purged" : "canceled"',
        )
    },
    "[Job <*>] Backend returned status <*> (<*>)": {
        2: (
            CLOSED,
            'scheduler/job.c finalize_job(): "failed", "authentication required", "hold job", ... chosen by the exit code',
        )
    },
}

# ---------------------------------------------------------------------------
# Mariadb: MariaDB 10.11.19 (build_fresh5.py labelled from the English errmsg.sys and the
# strings of /usr/sbin/mariadbd, no tag); what fills the slots is from MariaDB's server source
# (github.com/MariaDB/server, sql/ and storage/innobase/, 10.11 series; the repository is too
# large to fetch whole here, the functions were read in the search index).
# ---------------------------------------------------------------------------
_UNSAFE_LIMIT = "The statement is unsafe because it uses a LIMIT clause. This is unsafe because the set of rows included cannot be predicted"
_UNSAFE_AUTOINC = "Statements writing to a table with an auto-increment column after selecting from another table are unsafe because the order in which rows are retrieved determines what (if any) rows will be written. This order cannot be predicted and may differ on master and the slave"
DECL["Mariadb"] = {
    "Plugin '<*>' is disabled.": {
        0: (
            CLOSED,
            "sql/sql_plugin.cc plugin_init()/test_plugin_options(): the name in a compiled-in plugin's declaration (maria_declare_plugin)",
        )
    },
    "InnoDB: Using <*>": {
        0: (
            CLOSED,
            'storage/innobase/os/os0file.cc os_aio_init(): the literal name of the asynchronous I/O implementation ("io_uring", "Linux native AIO")',
        )
    },
    "InnoDB: <*> (block size=<*> bytes)": {
        0: (
            CLOSED,
            'storage/innobase/log/log0log.cc log_file_message(): "Memory-mapped log", "Memory-mapped unbuffered log", "Buffered log writes" or "File system buffers for log disabled"',
        )
    },
    "Access denied for user '<*>'@'<*>' (using password: <*>)": {
        2: (
            CLOSED,
            "sql/sql_acl.cc login_failed_error(): ER_THD(thd, passwd_used ? ER_YES : ER_NO), the catalogue's YES/NO",
        )
    },
    "Aborted connection <*> to db: '<*>' user: '<*>' host: '<*>'<*> (<*>)": {
        0: (DATA + r"\d+", "sql/sql_class.h THD::print_aborted_warning(): thread_id"),
        1: (["unconnected"], 'THD::print_aborted_warning(): db.str or the literal "unconnected"'),
        2: (
            ["unauthenticated"],
            'THD::print_aborted_warning(): sctx->user or the literal "unauthenticated"',
        ),
        3: (
            ["connecting host"],
            'sql/sql_connect.cc / sql_class.cc: host_or_ip, the literal "connecting host" until the client is known, else its host (data)',
        ),
        4: (
            ["", " real ip: '<*>'"],
            'sql/sql_class.cc THD::print_aborted_warning(): real_ip_str, "" or " real ip: \'%s\'" for a proxied connection',
        ),
        5: (
            CLOSED,
            'sql/sql_connect.cc and sql_parse.cc: the reason, an error text of the catalogue (ER_NET_READ_INTERRUPTED, ER_NET_PACKET_TOO_LARGE, ER_CON_COUNT_ERROR, ...) or the literals "KILLED", "This connection closed normally without authentication"',
        ),
    },
    "Unsafe statement written to the binary log using statement format since BINLOG_FORMAT = STATEMENT. <*>": {
        0: (
            [_UNSAFE_LIMIT + ". Statement: <*>", _UNSAFE_AUTOINC + ". Statement: <*>"],
            'sql/sql_class.cc THD::issue_unsafe_warnings()/print_unsafe_warning_to_log(): the ER_BINLOG_UNSAFE_* catalogue text of the unsafe type, then ER_MESSAGE_AND_STATEMENT\'s " Statement: %s" (the SQL, data)',
        )
    },
    "Suppressing warnings of type '<*>' for up to <*> seconds because of flooding": {
        0: (
            CLOSED,
            "sql/sql_class.cc do_unsafe_limit_checkout(): ER(LEX::binlog_stmt_unsafe_errcode[unsafe_type]), a catalogue text",
        )
    },
}


# ---------------------------------------------------------------------------
# machinery
# ---------------------------------------------------------------------------


def _ws(text: str) -> str:
    return r"\s+".join(re.escape(w) for w in text.split(" "))


def template_regex(
    template: str, slots: dict[int, tuple[str | list[str], str]], greedy: bool = False
) -> re.Pattern:
    """Each <*> a group (lazy, or greedy for the ambiguity check), whitespace flexible, anchored.
    A slot declared with a list of words tries those words first (the longest first), then
    any text: so "aborted after" fills proftpd's "Transfer %s %lu bytes" slot whole."""
    any_ = "(?:.*)" if greedy else "(?:.*?)"
    parts = [_ws(p) for p in template.split("<*>")]
    rx = parts[0]
    for i, p in enumerate(parts[1:]):
        words = slots.get(i, (CLOSED, ""))[0]
        if isinstance(words, str) and words.startswith((DATA, CLOSED + ":")):
            rx += "(" + words.split(":", 1)[1] + ")" + p  # a slot of a known shape
            continue
        alts = [] if words == CLOSED else sorted(words, key=len, reverse=True)
        alts = [word_regex(w).pattern[1:-1] for w in alts if w]
        rx += "(" + "|".join([*alts, any_]) + ")" + p
    return re.compile("^" + rx + "$", re.S)


def word_regex(word: str) -> re.Pattern:
    return re.compile("^" + "(?:.+?)".join(_ws(p) for p in word.split("<*>")) + "$", re.S)


def fill(words: str | list[str], value: str) -> str | None:
    """What a declared slot becomes for this value, or None (it stays <*>)."""
    if isinstance(words, str):
        if words == CLOSED or words.startswith(CLOSED + ":"):
            return re.sub(r"\s+", " ", value)
        return None  # DATA: stays <*>
    for w in words:
        if word_regex(w).match(value):
            return w
    return None


def read_csv(p: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(p, newline="", encoding="utf-8") as f:
        r = csv.DictReader(f)
        return list(r.fieldnames or []), list(r)


def relabel(name: str) -> None:
    d = HERE / name
    fields, rows = read_csv(d / f"{name}_2k.log_structured_formatstring.csv")
    _, trows = read_csv(d / f"{name}_2k.log_templates_formatstring.csv")
    fs_templates = [t["EventTemplate"] for t in trows]
    decl = DECL.get(name, {})
    errors: list[str] = []
    for t, slots in decl.items():
        if t not in fs_templates:
            errors.append(f"declared template not in the format-string labels: {t!r}")
            continue
        for i, (words, ref) in slots.items():
            if not (0 <= i < t.count("<*>")):
                errors.append(f"slot {i} out of range in {t!r}")
            if not ref or not (
                isinstance(words, list) or words == CLOSED or words.startswith((DATA, CLOSED + ":"))
            ):
                errors.append(f"bad declaration of slot {i} in {t!r}")
    lazy = {t: template_regex(t, decl.get(t, {})) for t in fs_templates}
    greedy = {t: template_regex(t, decl.get(t, {}), True) for t in fs_templates}
    used: set[tuple[str, int]] = set()
    new_of_fs: dict[str, list[str]] = {t: [] for t in fs_templates}
    out_templates: list[str] = []
    for r in rows:
        t, content = r["EventTemplate"], r["Content"]
        m = lazy[t].match(content)
        if not m:
            errors.append(f"line {r['LineId']}: does not match its template {t!r}: {content!r}")
            continue
        g = greedy[t].match(content)
        slots = decl.get(t, {})
        pieces = t.split("<*>")
        new = pieces[0]
        for i, value in enumerate(m.groups()):
            rep = None
            if i in slots:
                rep = fill(slots[i][0], value)
                if rep != fill(slots[i][0], g.group(i + 1)):
                    errors.append(
                        f"line {r['LineId']}: ambiguous split changes declared slot {i} of {t!r}: {content!r}"
                    )
                if rep is not None:
                    used.add((t, i))
            new += ("<*>" if rep is None else rep) + pieces[i + 1]
        new = re.sub(r" +", " ", new)
        if not template_regex(new, {}).match(content):  # the written template must fit its line
            errors.append(f"line {r['LineId']}: template {new!r} does not fit {content!r}")
        if new not in new_of_fs[t]:
            new_of_fs[t].append(new)
        out_templates.append(new)
    for t, slots in decl.items():
        for i, (words, _) in slots.items():
            if isinstance(words, str) and words.startswith(DATA):
                continue  # a shape, not words: checked by the matching
            if t in fs_templates and (t, i) not in used:
                errors.append(f"declaration never used: slot {i} of {t!r}")
    if errors:
        print(f"{name}: {len(errors)} problems", file=sys.stderr)
        for e in errors[:60]:
            print("  " + e, file=sys.stderr)
        raise SystemExit(1)
    ids: dict[str, str] = {}
    for t in fs_templates:
        for n in new_of_fs[t]:
            if n not in ids:  # two format strings may give one corrected template
                ids[n] = f"E{len(ids) + 1}"
    counts = {n: 0 for n in ids}
    for n in out_templates:
        counts[n] += 1
    with open(
        d / f"{name}_2k.log_structured_corrected.csv", "w", newline="", encoding="utf-8"
    ) as f:
        w = csv.writer(f)
        w.writerow(fields)
        for r, n in zip(rows, out_templates, strict=True):
            r = {**r, "EventId": ids[n], "EventTemplate": n}
            w.writerow([r[k] for k in fields])
    with open(d / f"{name}_2k.log_templates_corrected.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["EventId", "EventTemplate", "Occurrences"])
        for n, e in ids.items():
            w.writerow([e, n, counts[n]])
    print(
        f"{name}: {len(rows)} lines, {len(fs_templates)} format-string templates, "
        f"{len(ids)} corrected-LogHub templates ({len(decl)} templates with declared slots)"
    )


def main(argv: list[str]) -> None:
    names = argv[1:] or list(DECL)
    for n in names:
        if n not in DECL:
            raise SystemExit(f"unknown set {n}; sets: {', '.join(DECL)}")
    for n in names:
        relabel(n)


if __name__ == "__main__":
    main(sys.argv)
