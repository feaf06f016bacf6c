"""Stack traces in free text: detection, parsing, app frames, fingerprints."""

# ruff: noqa: E501  (the samples are traces as printed, with their long lines)

from __future__ import annotations

import re

import pytest

from extractors.traces.stacktrace import (
    StackTrace,
    find_traces,
    fingerprint,
    is_app_frame,
    message_template,
)

# --- samples (as customers paste them) -------------------------------------------

PY_CHAINED = """\
Traceback (most recent call last):
  File "/srv/shop/app/repository.py", line 41, in get_user
    row = self.cursor.fetchone()[0]
          ~~~~~~~~~~~~~~~~~~~~~~^^^
TypeError: 'NoneType' object is not subscriptable

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/srv/shop/venv/lib/python3.11/site-packages/flask/app.py", line 1484, in full_dispatch_request
    rv = self.dispatch_request()
  File "/srv/shop/app/views.py", line 88, in profile
    user = repo.get_user(user_id)
  File "/srv/shop/app/repository.py", line 44, in get_user
    raise UserLookupError(f"user {user_id} not found") from exc
app.errors.UserLookupError: user 4711 not found
"""

PY_DURING_HANDLING = """\
Traceback (most recent call last):
  File "/opt/billing/billing/cache.py", line 19, in lookup
    return self._entries[key]
KeyError: 'invoice:4711'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/opt/billing/billing/worker.py", line 63, in run
    self.handle(job)
  File "/opt/billing/billing/worker.py", line 77, in handle
    invoice = self.cache.lookup(job.key) or self.db.load(job.key)
  File "/usr/lib/python3.11/json/decoder.py", line 355, in raw_decode
    raise JSONDecodeError("Expecting value", s, err.value) from None
json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)
"""

JAVA_TWO_CAUSES = """\
org.springframework.dao.DataIntegrityViolationException: could not execute statement; SQL [n/a]
\tat org.springframework.orm.jpa.vendor.HibernateJpaDialect.convertHibernateAccessException(HibernateJpaDialect.java:276)
\tat com.acme.shop.user.UserService.register(UserService.java:57)
\tat com.acme.shop.user.UserController.signup(UserController.java:34)
\tat java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)
\tat org.apache.tomcat.util.threads.TaskThread$WrappingRunnable.run(TaskThread.java:61)
\tat java.base/java.lang.Thread.run(Thread.java:833)
Caused by: org.hibernate.exception.ConstraintViolationException: could not execute statement
\tat org.hibernate.exception.internal.SQLStateConversionDelegate.convert(SQLStateConversionDelegate.java:59)
\tat com.acme.shop.user.UserRepositoryImpl.insert(UserRepositoryImpl.java:88)
\t... 5 more
Caused by: org.postgresql.util.PSQLException: ERROR: duplicate key value violates unique constraint "accounts_username_key"
  Detail: Key (username)=(m.okafor) already exists.
\tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2676)
\tat org.postgresql.jdbc.PgPreparedStatement.executeUpdate(PgPreparedStatement.java:152)
\t... 6 more
"""

KOTLIN = """\
Exception in thread "main" java.lang.IllegalStateException: Order 1182 has no shipping address
\tat com.acme.orders.OrderValidator.validate(OrderValidator.kt:42)
\tat com.acme.orders.OrderService$submit$1.invokeSuspend(OrderService.kt:88)
\tat kotlin.coroutines.jvm.internal.BaseContinuationImpl.resumeWith(ContinuationImpl.kt:33)
\tat kotlinx.coroutines.DispatchedTask.run(DispatchedTask.kt:108)
\tat scala.concurrent.impl.Promise$Transformation.run(Promise.scala:467)
\tat com.acme.orders.MainKt.main(Main.kt:12)
"""

GO_PANIC = """\
panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x6d4f2a]

goroutine 42 [running]:
github.com/acme/shop/internal/cart.(*Service).Checkout(0xc0001a2000, {0x8a1b20, 0xc000312000}, 0x1d)
\t/build/internal/cart/service.go:118 +0x8a
github.com/acme/shop/internal/api.(*Handler).checkout(0xc00011e0c0, {0x8a5e40, 0xc0003c2000}, 0xc000336100)
\t/build/internal/api/handlers.go:76 +0x1f4
net/http.HandlerFunc.ServeHTTP(0xc000136020?, {0x8a5e40?, 0xc0003c2000?}, 0x0?)
\t/usr/local/go/src/net/http/server.go:2136 +0x29
github.com/go-chi/chi/v5.(*Mux).routeHTTP(0xc0000a6060, {0x8a5e40, 0xc0003c2000}, 0xc000336100)
\t/root/go/pkg/mod/github.com/go-chi/chi/v5@v5.0.10/mux.go:444 +0x216
net/http.(*conn).serve(0xc0001b4000, {0x8a6b88, 0xc0001a8ea0})
\t/usr/local/go/src/net/http/server.go:2009 +0x8e5
created by net/http.(*Server).Serve in goroutine 1
\t/usr/local/go/src/net/http/server.go:3086 +0x5cb

goroutine 1 [IO wait]:
internal/poll.runtime_pollWait(0x7f1c2c3e0eb0, 0x72)
\t/usr/local/go/src/runtime/netpoll.go:343 +0x85
main.main()
\t/build/cmd/server/main.go:31 +0x3a5
exit status 2
"""

NODE = """\
TypeError: Cannot read properties of undefined (reading 'email')
    at sendReceipt (/app/src/services/mailer.js:27:31)
    at OrderController.complete (/app/src/controllers/order.js:112:11)
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)
    at async Promise.all (index 0)
    at async /app/src/routes/orders.js:48:5
    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)
"""

NODE_CAUSE = """\
Error: Failed to load customer 8812
    at loadCustomer (/srv/api/dist/customers.js:41:11)
    at async Server.<anonymous> (/srv/api/dist/server.js:17:5) {
  [cause]: Error: connect ECONNREFUSED 10.0.3.7:5432
      at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16) {
    errno: -111,
    code: 'ECONNREFUSED',
    syscall: 'connect',
    address: '10.0.3.7',
    port: 5432
  }
}

Node.js v20.11.1
"""

DOTNET = r"""Unhandled exception. System.InvalidOperationException: Order 1182 could not be shipped
 ---> System.Net.Http.HttpRequestException: Connection refused (carrier-api:443)
 ---> System.Net.Sockets.SocketException (111): Connection refused
   at System.Net.Sockets.Socket.AwaitableSocketAsyncEventArgs.ThrowException(SocketError error, CancellationToken cancellationToken)
   at System.Net.Http.HttpConnectionPool.ConnectToTcpHostAsync(String host, Int32 port, Boolean async, CancellationToken cancellationToken)
   --- End of inner exception stack trace ---
   at System.Net.Http.HttpConnectionPool.ConnectToTcpHostAsync(String host, Int32 port, Boolean async, CancellationToken cancellationToken)
   at Acme.Shipping.CarrierClient.CreateLabelAsync(Order order) in C:\agent\_work\3\s\src\Acme.Shipping\CarrierClient.cs:line 57
   at Acme.Shipping.ShipmentService.<ShipAsync>d__4.MoveNext() in C:\agent\_work\3\s\src\Acme.Shipping\ShipmentService.cs:line 33
--- End of stack trace from previous location ---
   at System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw()
   --- End of inner exception stack trace ---
   at Acme.Shipping.ShipmentService.ShipAsync(Int32 orderId) in C:\agent\_work\3\s\src\Acme.Shipping\ShipmentService.cs:line 41
   at Acme.Shipping.Program.Main(String[] args) in C:\agent\_work\3\s\src\Acme.Shipping\Program.cs:line 12
   at Acme.Shipping.Program.<Main>(String[] args)
"""

DOTNET_NRE = r"""System.NullReferenceException: Object reference not set to an instance of an object.
   at Acme.Billing.InvoiceRenderer.RenderLines(Invoice invoice) in /src/Acme.Billing/InvoiceRenderer.cs:line 88
   at Acme.Billing.InvoiceController.Get(Int32 id) in /src/Acme.Billing/InvoiceController.cs:line 31
   at lambda_method(Closure , Object , Object[] )
   at Microsoft.AspNetCore.Mvc.Infrastructure.ActionMethodExecutor.SyncObjectResultExecutor.Execute(IActionResultTypeMapper mapper, ObjectMethodExecutor executor, Object controller, Object[] arguments)
"""

RUST_NEW = """\
thread 'main' panicked at src/config.rs:27:10:
called `Result::unwrap()` on an `Err` value: Os { code: 2, kind: NotFound, message: "No such file or directory" }
stack backtrace:
   0: rust_begin_unwind
             at /rustc/cc66ad468955717ab92600c770da8c1601a4ff33/library/std/src/panicking.rs:595:5
   1: core::panicking::panic_fmt
             at /rustc/cc66ad468955717ab92600c770da8c1601a4ff33/library/core/src/panicking.rs:67:14
   2: core::result::unwrap_failed
             at /rustc/cc66ad468955717ab92600c770da8c1601a4ff33/library/core/src/result.rs:1652:5
   3: core::result::Result<T,E>::unwrap
             at /rustc/cc66ad468955717ab92600c770da8c1601a4ff33/library/core/src/result.rs:1077:23
   4: inventory::config::load
             at ./src/config.rs:27:10
   5: inventory::main
             at ./src/main.rs:9:18
   6: core::ops::function::FnOnce::call_once
             at /rustc/cc66ad468955717ab92600c770da8c1601a4ff33/library/core/src/ops/function.rs:250:5
note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.
"""

RUST_OLD = """\
thread 'tokio-runtime-worker' panicked at 'index out of bounds: the len is 3 but the index is 7', src/inventory.rs:42:17
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace
"""

ALL_SAMPLES = {
    "python": PY_CHAINED,
    "python-context": PY_DURING_HANDLING,
    "java": JAVA_TWO_CAUSES,
    "kotlin": KOTLIN,
    "go": GO_PANIC,
    "node": NODE,
    "node-cause": NODE_CAUSE,
    "dotnet": DOTNET,
    "dotnet-nre": DOTNET_NRE,
    "rust": RUST_NEW,
    "rust-old": RUST_OLD,
}


def one(text: str) -> StackTrace:
    traces = find_traces(text)
    assert len(traces) == 1, [t.exception_type for t in traces]
    return traces[0]


def functions(trace: StackTrace, app: bool = False) -> list[str]:
    return [f.function for f in (trace.app_frames if app else trace.frames)]


# --- per language ---------------------------------------------------------------


def test_python_direct_cause_chain() -> None:
    t = one(PY_CHAINED)
    assert t.language == "python"
    assert (t.exception_type, t.message) == ("app.errors.UserLookupError", "user 4711 not found")
    assert functions(t) == ["full_dispatch_request", "profile", "get_user"]
    assert functions(t, app=True) == ["profile", "get_user"]  # flask sits in site-packages
    assert [f.line for f in t.frames] == [1484, 88, 44]
    assert t.frames[1].file == "/srv/shop/app/views.py"
    assert t.frames[0].module_or_class == "flask.app"
    root = t.root_cause
    assert root is t.caused_by[-1] and root.relation == "cause"
    assert root.exception_type == "TypeError"
    assert root.message == "'NoneType' object is not subscriptable"
    assert functions(root) == ["get_user"] and root.frames[0].line == 41
    assert (t.start_line, t.end_line) == (1, PY_CHAINED.count("\n"))
    assert t.message_template == "user <*> not found"
    assert not t.truncated


def test_python_during_handling_chain() -> None:
    t = one(PY_DURING_HANDLING)
    assert t.exception_type == "json.decoder.JSONDecodeError"
    assert t.message == "Expecting value: line 1 column 1 (char 0)"
    assert t.root_cause.exception_type == "KeyError"
    assert t.root_cause.relation == "context"
    assert t.root_cause.message == "'invoice:4711'"
    assert functions(t, app=True) == ["run", "handle"]  # /usr/lib/python3.11 is the stdlib
    assert t.frames[2].is_app is False


def test_java_two_caused_by_levels_root_cause() -> None:
    t = one(JAVA_TWO_CAUSES)
    assert t.language == "java"
    assert t.exception_type == "org.springframework.dao.DataIntegrityViolationException"
    assert [c.exception_type for c in t.caused_by] == [
        "org.hibernate.exception.ConstraintViolationException",
        "org.postgresql.util.PSQLException",
    ]
    root = t.root_cause
    assert root.exception_type == "org.postgresql.util.PSQLException"
    assert root.message.startswith("ERROR: duplicate key value violates unique constraint")
    assert "Detail: Key (username)=(m.okafor) already exists." in root.message
    assert root.omitted_frames == 6 and t.caused_by[0].omitted_frames == 5
    assert root.app_frames == []  # only driver frames printed before "... 6 more"
    assert [(f.module_or_class, f.function) for f in t.app_frames] == [
        ("com.acme.shop.user.UserService", "register"),
        ("com.acme.shop.user.UserController", "signup"),
    ]
    assert t.frames[0].file == "HibernateJpaDialect.java" and t.frames[0].line == 276
    assert t.frames[3].module_or_class == "jdk.internal.reflect.NativeMethodAccessorImpl"
    assert t.frames[3].line is None
    assert t.end_line == JAVA_TWO_CAUSES.count("\n")


def test_kotlin_and_scala_frames() -> None:
    t = one(KOTLIN)
    assert t.language == "java"
    assert t.exception_type == "java.lang.IllegalStateException"
    assert t.message == "Order 1182 has no shipping address"
    assert functions(t, app=True) == ["validate", "invokeSuspend", "main"]
    assert [f.file for f in t.app_frames] == ["OrderValidator.kt", "OrderService.kt", "Main.kt"]
    assert len(t.frames) == 6


def test_go_panic() -> None:
    t = one(GO_PANIC)
    assert t.language == "go"
    assert t.exception_type == "runtime error"
    assert t.message == "invalid memory address or nil pointer dereference"
    # only the panicking goroutine; goroutine 1 is consumed but not mixed in
    assert len(t.frames) == 6
    assert [(f.module_or_class, f.function) for f in t.app_frames] == [
        ("github.com/acme/shop/internal/cart.(*Service)", "Checkout"),
        ("github.com/acme/shop/internal/api.(*Handler)", "checkout"),
    ]
    assert t.frames[0].file == "/build/internal/cart/service.go" and t.frames[0].line == 118
    assert t.frames[3].is_app is False  # go-chi from the module cache
    created_by = t.frames[5]  # "created by net/http.(*Server).Serve in goroutine 1"
    assert (created_by.module_or_class, created_by.function, created_by.is_app) == (
        "net/http.(*Server)",
        "Serve",
        False,
    )
    assert t.end_line == GO_PANIC.count("\n")  # through "exit status 2"


def test_node_error_with_async_and_anonymous_frames() -> None:
    t = one(NODE)
    assert (t.language, t.exception_type) == ("node", "TypeError")
    assert t.message == "Cannot read properties of undefined (reading 'email')"
    assert len(t.frames) == 6
    assert [(f.function, f.is_app) for f in t.frames] == [
        ("sendReceipt", True),
        ("complete", True),
        ("processTicksAndRejections", False),
        ("all", False),
        ("<anonymous>", True),
        ("handle", False),
    ]
    assert t.frames[1].module_or_class == "OrderController"
    assert (t.frames[4].file, t.frames[4].line) == ("/app/src/routes/orders.js", 48)
    assert t.message_template == "Cannot read properties of undefined (reading '<*>')"


def test_node_cause_and_error_object() -> None:
    t = one(NODE_CAUSE)
    assert t.exception_type == "Error" and t.message == "Failed to load customer 8812"
    assert functions(t) == ["loadCustomer", "<anonymous>"]
    assert t.root_cause.message == "connect ECONNREFUSED 10.0.3.7:5432"
    assert t.root_cause.message_template == "connect ECONNREFUSED <*>"
    assert functions(t.root_cause) == ["afterConnect"]
    assert t.end_line == NODE_CAUSE.count("\n")  # the object dump and "Node.js v20" belong to it


def test_dotnet_inner_exceptions() -> None:
    t = one(DOTNET)
    assert t.language == "dotnet"
    assert t.exception_type == "System.InvalidOperationException"
    assert t.message == "Order 1182 could not be shipped"
    assert [c.exception_type for c in t.chain] == [
        "System.InvalidOperationException",
        "System.Net.Http.HttpRequestException",
        "System.Net.Sockets.SocketException",
    ]
    root = t.root_cause
    assert root.message == "Connection refused"
    assert len(root.frames) == 2 and root.app_frames == []
    middle = t.caused_by[0]
    assert [(f.module_or_class, f.function) for f in middle.app_frames] == [
        ("Acme.Shipping.CarrierClient", "CreateLabelAsync"),
        ("Acme.Shipping.ShipmentService", "ShipAsync"),  # <ShipAsync>d__4.MoveNext
    ]
    assert middle.app_frames[0].line == 57
    assert middle.app_frames[0].file.endswith(r"Acme.Shipping\CarrierClient.cs")
    assert functions(t, app=True) == ["ShipAsync", "Main", "<Main>"]


def test_dotnet_null_reference() -> None:
    t = one(DOTNET_NRE)
    assert t.exception_type == "System.NullReferenceException"
    assert len(t.frames) == 4
    assert functions(t, app=True) == ["RenderLines", "Get"]
    assert t.frames[2].function == "lambda_method" and not t.frames[2].is_app


def test_rust_new_format_with_backtrace() -> None:
    t = one(RUST_NEW)
    assert (t.language, t.exception_type) == ("rust", "panic")
    assert t.message.startswith("called `Result::unwrap()` on an `Err` value: Os { code: 2")
    assert len(t.frames) == 7
    assert [(f.module_or_class, f.function, f.file, f.line) for f in t.app_frames] == [
        ("inventory::config", "load", "./src/config.rs", 27),
        ("inventory", "main", "./src/main.rs", 9),
    ]
    assert t.frames[3].function == "unwrap" and not t.frames[3].is_app
    assert t.end_line == RUST_NEW.count("\n")


def test_rust_old_format_without_backtrace() -> None:
    t = one(RUST_OLD)
    assert t.message == "index out of bounds: the len is 3 but the index is 7"
    assert [(f.file, f.line, f.is_app) for f in t.frames] == [("src/inventory.rs", 42, True)]
    assert t.message_template == "index out of bounds: the len is <*> but the index is <*>"
    assert t.end_line == 2  # the note belongs to the panic


# --- in real text -------------------------------------------------------------------


def test_trace_embedded_in_prose_with_log_prefixes() -> None:
    text = (
        "Hello support,\n"
        "after upgrading to 4.2 the export job dies. From our log:\n"
        "\n"
        "2024-05-02 08:14:55,120 ERROR [export-worker-2] c.a.e.ExportJob - export failed\n"
        "2024-05-02 08:14:55,121 ERROR [export-worker-2] java.io.UncheckedIOException: "
        "java.nio.file.AccessDeniedException: /data/exports/7781.csv\n"
        "2024-05-02 08:14:55,121 ERROR [export-worker-2] \tat "
        "com.acme.export.CsvWriter.open(CsvWriter.java:51)\n"
        "2024-05-02 08:14:55,121 ERROR [export-worker-2] \tat "
        "com.acme.export.ExportJob.run(ExportJob.java:102)\n"
        "2024-05-02 08:14:55,122 INFO  [main] c.a.e.Scheduler - next run in 60s\n"
        "\n"
        "Can you help? We are on Java 17.\n"
    )
    t = one(text)
    assert t.exception_type == "java.io.UncheckedIOException"
    assert t.message == "java.nio.file.AccessDeniedException: /data/exports/7781.csv"
    assert functions(t) == ["open", "run"]
    assert (t.start_line, t.end_line) == (5, 7)
    assert t.raw.splitlines()[0].startswith("2024-05-02 08:14:55,121 ERROR")


def test_two_traces_in_one_ticket() -> None:
    ticket = (
        "Our Python importer fails first:\n\n"
        + PY_DURING_HANDLING
        + "\nand then the Java service that calls it logs this:\n\n"
        + KOTLIN
        + "\nRegards, Dana\n"
    )
    traces = find_traces(ticket)
    assert [(t.language, t.exception_type) for t in traces] == [
        ("python", "json.decoder.JSONDecodeError"),
        ("java", "java.lang.IllegalStateException"),
    ]
    lines = ticket.splitlines()
    assert lines[traces[0].start_line - 1].startswith("Traceback")
    assert lines[traces[0].end_line - 1].startswith("json.decoder.JSONDecodeError")
    assert lines[traces[1].start_line - 1].startswith('Exception in thread "main"')
    assert lines[traces[1].end_line - 1].endswith("(Main.kt:12)")


def test_all_languages_in_one_chat_log() -> None:
    chat = "\n\nok next one:\n\n".join(ALL_SAMPLES.values())
    traces = find_traces(chat)
    assert [t.language for t in traces] == [
        "python",
        "python",
        "java",
        "java",
        "go",
        "node",
        "node",
        "dotnet",
        "dotnet",
        "rust",
        "rust",
    ]
    assert [t.fingerprint for t in traces] == [one(s).fingerprint for s in ALL_SAMPLES.values()]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Hi, the dashboard is slow since Monday. Error: none shown, just a spinner.\n"
        "We were at the office at 9:00 and at home at 21:00.\n",
        "TypeError: x is not a function\n(that's all the console says)\n",
        "panic: the disk is full\nplease advise\n",
        "See https://example.com/docs/errors#at-a-glance and call us at 555 0100.\n",
        "It failed twice today\nat the start of the call (about 10:30)\nat 10:30:15\n",
        "Python only printed\nTraceback (most recent call last):\n\nand then nothing else.\n",
    ],
)
def test_text_without_a_trace(text: str) -> None:
    assert find_traces(text) == []


def test_windows_line_endings_give_the_same_result() -> None:
    for sample in (PY_CHAINED, JAVA_TWO_CAUSES, DOTNET, GO_PANIC):
        unix = one(sample)
        windows = one(sample.replace("\n", "\r\n"))
        assert windows.exception_type == unix.exception_type
        assert windows.message == unix.message and "\r" not in windows.message
        assert windows.frames == unix.frames
        assert windows.fingerprint == unix.fingerprint
        assert (windows.start_line, windows.end_line) == (unix.start_line, unix.end_line)


def test_indentation_removed_by_chat_client() -> None:
    for sample in (PY_CHAINED, JAVA_TWO_CAUSES, NODE, DOTNET, RUST_NEW):
        flat = "\n".join(line.lstrip() for line in sample.splitlines())
        assert one(flat).fingerprint == one(sample).fingerprint
        assert one(flat).root_cause.message == one(sample).root_cause.message


def test_docker_compose_and_quoted_prefixes() -> None:
    docker = "\n".join("web-1  | " + line for line in PY_CHAINED.splitlines())
    quoted = "\n".join("> " + line for line in KOTLIN.splitlines())
    assert one(docker).fingerprint == one(PY_CHAINED).fingerprint
    assert one(docker).root_cause.exception_type == "TypeError"
    assert one(quoted).fingerprint == one(KOTLIN).fingerprint


# --- less common shapes ---------------------------------------------------------------


def test_java_suppressed_exceptions_stay_out_of_the_cause_chain() -> None:
    t = one(
        "java.io.IOException: write failed\n"
        "\tat com.acme.io.Sink.write(Sink.java:10)\n"
        "\tat com.acme.Main.main(Main.java:5)\n"
        "\tSuppressed: java.lang.IllegalStateException: close failed\n"
        "\t\tat com.acme.io.Sink.close(Sink.java:20)\n"
        "\t\t... 1 more\n"
        "\tCaused by: java.net.SocketException: reset\n"
        "\t\tat com.acme.io.Net.flush(Net.java:3)\n"
        "\t\t... 2 more\n"
        "Caused by: java.io.EOFException: eof\n"
        "\tat com.acme.io.Reader.read(Reader.java:7)\n"
        "\t... 2 more\n"
    )
    assert [c.exception_type for c in t.chain] == ["java.io.IOException", "java.io.EOFException"]
    assert functions(t) == ["write", "main"]
    assert t.end_line == 12


def test_dotnet_aggregate_exception() -> None:
    text = (
        "System.AggregateException: One or more errors occurred. (boom)\n"
        " ---> System.InvalidOperationException: boom\n"
        "   at Acme.Jobs.Runner.Step(Int32 n) in /src/Runner.cs:line 14\n"
        "   --- End of inner exception stack trace ---\n"
        "   at System.Threading.Tasks.Task.Wait()\n"
        "   at Acme.Jobs.Program.Main() in /src/Program.cs:line 9\n"
        "---> (Inner Exception #0) System.InvalidOperationException: boom\n"
        "   at Acme.Jobs.Runner.Step(Int32 n) in /src/Runner.cs:line 14<---\n"
        "\n"
        "Is this a known issue?\n"
    )
    t = one(text)
    assert t.root_cause.exception_type == "System.InvalidOperationException"
    assert functions(t.root_cause) == ["Step"]
    assert functions(t) == ["Wait", "Main"]
    assert t.end_line == 8


def test_go_repanic_and_http_server_panic() -> None:
    t = one(
        "panic: first problem [recovered]\n\tpanic: second problem\n\n"
        "goroutine 1 [running]:\nmain.cleanup()\n\t/app/main.go:20 +0x1\n"
        "main.main()\n\t/app/main.go:10 +0x2\n"
    )
    assert (t.message, t.root_cause.message) == ("second problem", "first problem")
    assert t.root_cause.relation == "context"
    assert functions(t) == ["cleanup", "main"]
    served = one(
        "2024/05/02 10:00:00 http: panic serving 10.1.2.3:51234: runtime error: "
        "index out of range [3] with length 2\n"
        "goroutine 18 [running]:\n"
        "net/http.(*conn).serve.func1()\n\t/usr/local/go/src/net/http/server.go:1868 +0xb9\n"
        "main.handler({0x6f2a40, 0xc000150000}, 0xc000160000)\n\t/app/main.go:33 +0x1b\n"
    )
    assert (served.exception_type, served.message) == (
        "runtime error",
        "index out of range [3] with length 2",
    )
    assert functions(served, app=True) == ["handler"]


def test_python_syntax_error_recursion_and_repl() -> None:
    syntax = one(
        'Traceback (most recent call last):\n  File "/app/run.py", line 3, in <module>\n'
        '    import settings\n  File "/app/settings.py", line 12\n    DEBUG = True,,\n'
        "                 ^\nSyntaxError: invalid syntax\n"
    )
    assert (syntax.exception_type, [f.line for f in syntax.frames]) == ("SyntaxError", [3, 12])
    recursion = one(
        'Traceback (most recent call last):\n  File "/app/tree.py", line 8, in walk\n'
        '    return walk(node.parent)\n  File "/app/tree.py", line 8, in walk\n'
        "    return walk(node.parent)\n  [Previous line repeated 996 more times]\n"
        "RecursionError: maximum recursion depth exceeded\n"
    )
    assert recursion.exception_type == "RecursionError" and not recursion.truncated
    repl = one(
        '>>> json.loads("{")\nTraceback (most recent call last):\n'
        '  File "<stdin>", line 1, in <module>\n'
        '  File "/usr/lib/python3.11/json/__init__.py", line 346, in loads\n'
        "    return _default_decoder.decode(s)\n"
        "json.decoder.JSONDecodeError: Expecting value: line 1 column 2 (char 1)\n"
    )
    assert [(f.file, f.is_app) for f in repl.frames] == [
        ("<stdin>", True),
        ("/usr/lib/python3.11/json/__init__.py", False),
    ]


def test_exception_at_the_end_of_a_log_message_line() -> None:
    t = one(
        "2024-05-02 ERROR c.a.Api - request 77 failed: java.lang.NullPointerException: "
        'Cannot invoke "String.length()" because "name" is null\n'
        "\tat com.acme.Api.handle(Api.java:12)\n"
    )
    assert t.exception_type == "java.lang.NullPointerException"
    assert t.message_template == 'Cannot invoke "<*>" because "<*>" is null'


def test_rust_full_backtrace_addresses_and_hashes() -> None:
    t = one(
        "thread 'main' panicked at src/main.rs:4:5:\nboom\nstack backtrace:\n"
        "   0:     0x55d4c0e7a1b3 - std::backtrace_rs::backtrace::libunwind::trace::h5d2f0a7b9c1e3f4a\n"
        "                               at /rustc/90c5/library/std/src/backtrace.rs:93:5\n"
        "  13:     0x55d4c0e6b2c1 - app::main::h0a1b2c3d4e5f6a7b\n"
        "                               at /home/u/app/src/main.rs:4:5\n"
    )
    assert [(f.module_or_class, f.function, f.is_app) for f in t.frames] == [
        ("std::backtrace_rs::backtrace::libunwind", "trace", False),
        ("app", "main", True),
    ]


# --- truncated pastes -----------------------------------------------------------------


def test_truncated_java_keeps_type_and_frames_seen() -> None:
    cut = "\n".join(JAVA_TWO_CAUSES.splitlines()[:3]) + "\n\tat com.acme.shop.user.UserCont"
    t = one(cut + "\n\n(the rest did not fit in the form)")
    assert t.exception_type == "org.springframework.dao.DataIntegrityViolationException"
    assert functions(t) == ["convertHibernateAccessException", "register"]
    assert t.caused_by == []


def test_truncated_python_keeps_frames_and_says_so() -> None:
    cut = "\n".join(PY_DURING_HANDLING.splitlines()[7:12])  # second traceback, cut mid-way
    t = one(cut)
    assert t.truncated and t.exception_type == ""
    assert functions(t) == ["run", "handle"]


def test_frames_without_header() -> None:
    frames_only = "\n".join(NODE.splitlines()[1:])
    t = one("the stack was:\n" + frames_only)
    assert t.truncated and t.exception_type == ""
    assert functions(t, app=True) == ["sendReceipt", "complete", "<anonymous>"]


def test_go_goroutine_without_panic_line() -> None:
    t = one("\n".join(GO_PANIC.splitlines()[3:]))
    assert t.truncated and t.language == "go"
    assert functions(t, app=True) == ["Checkout", "checkout"]


# --- fingerprints ---------------------------------------------------------------------

# The same bug, reported again: a later build (other line numbers and columns), another
# machine (other directories and addresses), another user / order id.
_LINE_NUMBER = re.compile(r"(line |\.(?:py|java|kt|scala|go|js|cs|rs):)(\d+)(?::(\d+))?")
_IDS = {"4711": "90210", "1182": "5531", "8812": "1203", "7781": "4410"}


def later_build(text: str) -> str:
    text = _LINE_NUMBER.sub(
        lambda m: f"{m[1]}{int(m[2]) + 17}" + (f":{int(m[3]) + 4}" if m[3] else ""), text
    )
    text = re.sub(r"0x[0-9a-f]+", lambda m: hex(int(m[0], 16) * 3 + 0x40), text)
    text = re.sub(r"\b(" + "|".join(_IDS) + r")\b", lambda m: _IDS[m[0]], text)
    text = text.replace("3 but the index is 7", "12 but the index is 40")
    text = text.replace("/srv/", "/home/deploy/").replace("/build/", "/workspace/")
    text = text.replace("/opt/billing/", "/var/lib/billing/")
    return text.replace(r"C:\agent\_work\3\s", r"D:\a\1\s").replace("/rustc/cc66", "/rustc/ab12")


@pytest.mark.parametrize("name", list(ALL_SAMPLES))
def test_same_bug_later_build_same_fingerprint(name: str) -> None:
    sample = ALL_SAMPLES[name]
    again = later_build(sample)
    first, second = one(sample), one(again)
    assert again != sample
    assert [f.line for f in first.frames if f.line] != [f.line for f in second.frames if f.line]
    assert second.fingerprint == first.fingerprint == fingerprint(first)
    assert re.fullmatch(r"[0-9a-f]{16}", first.fingerprint)


# (sample, old, new): another application function on the path of the bug
_OTHER_APP_FRAME = {
    "python": ("in profile", "in settings"),
    "python-context": ("in handle", "in retry"),
    "java": ("UserRepositoryImpl.insert", "UserRepositoryImpl.update"),
    "kotlin": ("OrderValidator.validate", "OrderValidator.check"),
    "go": ("(*Service).Checkout", "(*Service).Refund"),
    "node": ("at sendReceipt", "at sendInvoice"),
    "node-cause": ("at loadCustomer", "at loadSupplier"),
    "dotnet": ("CarrierClient.CreateLabelAsync", "CarrierClient.CancelLabelAsync"),
    "dotnet-nre": ("InvoiceRenderer.cs", "InvoiceLayout.cs"),
    "rust": ("inventory::config::load", "inventory::config::reload"),
    "rust-old": ("src/inventory.rs", "src/pricing.rs"),
}
# (sample, old, new): another exception type (or panic) at the same place
_OTHER_TYPE = {
    "python": ("TypeError: 'NoneType'", "IndexError: 'NoneType'"),
    "python-context": ("KeyError:", "LookupError:"),
    "java": ("util.PSQLException", "util.PSQLTimeoutException"),
    "kotlin": ("IllegalStateException", "IllegalArgumentException"),
    "go": ("invalid memory address or nil pointer dereference", "integer divide by zero"),
    "node": ("TypeError", "RangeError"),
    "node-cause": ("[cause]: Error", "[cause]: AbortError"),
    "dotnet": ("Sockets.SocketException", "Sockets.SocketTimeoutException"),
    "dotnet-nre": ("NullReferenceException", "ArgumentNullException"),
    "rust": ("Result::unwrap()", "Option::unwrap()"),
    "rust-old": ("index out of bounds", "attempt to subtract with overflow"),
}


@pytest.mark.parametrize("name", list(ALL_SAMPLES))
def test_other_app_frame_or_type_other_fingerprint(name: str) -> None:
    sample = ALL_SAMPLES[name]
    base = one(sample).fingerprint
    for old, new in (_OTHER_APP_FRAME[name], _OTHER_TYPE[name]):
        assert old in sample, old
        changed = one(sample.replace(old, new))
        assert changed.fingerprint != base, (old, new)


def test_fingerprint_ignores_outer_message_and_library_frames() -> None:
    other_message = JAVA_TWO_CAUSES.replace("could not execute statement", "statement failed")
    other_library = JAVA_TWO_CAUSES.replace("HibernateJpaDialect.java:276", "Dialect.java:9")
    base = one(JAVA_TWO_CAUSES).fingerprint
    assert one(other_message).fingerprint == base
    assert one(other_library).fingerprint == base


def test_fingerprint_uses_root_cause_frames_of_java_more() -> None:
    # the root cause's "... 6 more" reaches UserRepositoryImpl.insert of the cause above it
    moved = JAVA_TWO_CAUSES.replace(
        "\tat com.acme.shop.user.UserRepositoryImpl.insert(UserRepositoryImpl.java:88)\n\t... 5 more",
        "\tat com.acme.shop.user.UserRepositoryImpl.insert(UserRepositoryImpl.java:88)\n"
        "\tat com.acme.shop.user.AuditLog.write(AuditLog.java:20)\n\t... 5 more",
    )
    assert one(moved).fingerprint != one(JAVA_TWO_CAUSES).fingerprint


JAVA_WRAPPED = """\
com.acme.shop.db.StorageException: insert failed
\tat com.acme.shop.db.ErrorTranslator.wrap(ErrorTranslator.java:30)
\tat com.acme.shop.db.UserRepositoryImpl.insert(UserRepositoryImpl.java:91)
\tat com.acme.shop.user.UserService.register(UserService.java:57)
\tat com.acme.shop.user.UserController.signup(UserController.java:34)
\tat java.base/java.lang.Thread.run(Thread.java:833)
Caused by: org.postgresql.util.PSQLException: ERROR: deadlock detected
\tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2676)
\tat com.acme.shop.db.UserRepositoryImpl.insert(UserRepositoryImpl.java:88)
\t... 3 more
"""


def test_root_cause_stack_is_completed_from_java_more() -> None:
    # The root cause's stack is insert <- register <- signup (the "... 3 more" tail);
    # where the outer exception wrapped it is not part of the bug.
    rewrapped = JAVA_WRAPPED.replace("ErrorTranslator.wrap", "ErrorTranslator.translate")
    assert one(rewrapped).fingerprint == one(JAVA_WRAPPED).fingerprint
    elsewhere = JAVA_WRAPPED.replace("UserController.signup", "AdminController.createUser")
    assert one(elsewhere).fingerprint != one(JAVA_WRAPPED).fingerprint


def test_panic_message_variables_do_not_change_fingerprint() -> None:
    a = "thread 'main' panicked at src/users.rs:12:9:\nuser 42 not found in \"eu-west\"\n"
    b = "thread 'main' panicked at src/users.rs:19:9:\nuser 977 not found in \"us-east\"\n"
    c = "thread 'main' panicked at src/users.rs:12:9:\nuser table is locked\n"
    assert one(a).fingerprint == one(b).fingerprint != one(c).fingerprint


# --- helpers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "template"),
    [
        ("user 4711 not found", "user <*> not found"),
        ("Index 5 out of bounds for length 3", "Index <*> out of bounds for length <*>"),
        ("order 0b6f1c9e-2f7a-4c1e-9d3b-5a8e2f4c1d7b is locked", "order <*> is locked"),
        ("KeyError 'invoice:4711' (can't retry)", "KeyError '<*>' (can't retry)"),
        ('file "/etc/app/config.yml" missing', 'file "<*>" missing'),
        ("cannot open /var/lib/app/data.db: denied", "cannot open <*>: denied"),
        (r"Could not find C:\Users\dana\app.ini", "Could not find <*>"),
        ("connect ECONNREFUSED 10.0.3.7:5432", "connect ECONNREFUSED <*>"),
        ("mail to jane.doe@example.com bounced", "mail to <*> bounced"),
        ("object at 0x7f3a2c1b9e80 expired", "object at <*> expired"),
        ("commit 9fceb02d0ae598e95dc970b74767f19372d61af8 missing", "commit <*> missing"),
        ("timeout after 30s on usr_8812", "timeout after <*> on usr_<*>"),
        (
            "called `Option::unwrap()` on a `None` value",
            "called `Option::unwrap()` on a `None` value",
        ),
    ],
)
def test_message_template(message: str, template: str) -> None:
    assert message_template(message) == template


@pytest.mark.parametrize(
    ("language", "name", "file", "app"),
    [
        ("python", "", "/usr/local/lib/python3.11/site-packages/django/core/handlers.py", False),
        ("python", "", "/usr/lib/python3/dist-packages/requests/api.py", False),
        ("python", "", "<frozen importlib._bootstrap>", False),
        ("python", "", "/srv/app/orders/views.py", True),
        ("java", "org.springframework.web.servlet.FrameworkServlet.service", "", False),
        ("java", "com.acme.Foo$$EnhancerBySpringCGLIB$$3c1a.save", "", False),
        ("java", "com.acme.orders.OrderService.submit", "OrderService.java", True),
        ("go", "runtime.gopanic", "/usr/local/go/src/runtime/panic.go", False),
        ("go", "main.main", "/app/main.go", True),
        ("go", "github.com/lib/pq.(*conn).query", "/go/pkg/mod/github.com/lib/pq/conn.go", False),
        ("node", "emit", "node:events", False),
        ("node", "next", "/app/node_modules/express/lib/router/index.js", False),
        ("node", "handler", "/app/src/handler.js", True),
        ("dotnet", "Microsoft.EntityFrameworkCore.DbContext.SaveChanges", "", False),
        ("dotnet", "Acme.Orders.OrderService.Save", r"C:\src\OrderService.cs", True),
        ("rust", "tokio::runtime::park::CachedParkThread::block_on", "", False),
        (
            "rust",
            "<alloc::boxed::Box<F,A> as core::ops::function::FnOnce<Args>>::call_once",
            "",
            False,
        ),
        ("rust", "<inventory::Store as core::fmt::Display>::fmt", "./src/store.rs", True),
        ("rust", "__libc_start_main", "", False),
    ],
)
def test_library_rules(language: str, name: str, file: str, app: bool) -> None:
    assert is_app_frame(language, name, file) is app
