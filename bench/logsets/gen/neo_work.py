import subprocess
import sys

CP_SRV = "tests/neo4j-server/target/neo4j-server-1.jar:tests/neo4j-server/target/lib/*"
CP_CLI = "/work/main/tests/neo4j-server/target/lib/*"
data = "/tmp/lg/neo/data"
rounds = int(sys.argv[1])
for r in range(1, rounds + 1):
    p = subprocess.Popen(
        ["java", "-cp", CP_SRV, "graphdesk.Neo4jServer", data, "7699"],
        cwd="/work/main",
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = p.stdout.readline()
    assert line.startswith("bolt://"), line
    subprocess.run(
        ["java", "-cp", CP_CLI, "/tmp/lg/gen/NeoWork.java", "bolt://127.0.0.1:7699", str(r)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    p.stdin.close()
    p.wait(timeout=120)
    print("round", r, "done", flush=True)
