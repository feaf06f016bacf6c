import org.neo4j.driver.*;
import java.util.*;
public class NeoWork {
    public static void main(String[] a) throws Exception {
        int round = Integer.parseInt(a[1]);
        try (Driver d = GraphDatabase.driver(a[0], AuthTokens.none())) {
            try (Session s = d.session()) {
                s.run("CREATE INDEX person_name_" + round + " IF NOT EXISTS FOR (p:Person" + round + ") ON (p.name)").consume();
                s.run("CREATE CONSTRAINT uid_" + round + " IF NOT EXISTS FOR (u:User" + round + ") REQUIRE u.id IS UNIQUE").consume();
                for (int b = 0; b < 6; b++) {
                    s.run("UNWIND range(1, 20000) AS i CREATE (:Person" + round + " {name: 'p' + i, n: i})").consume();
                }
                s.run("MATCH (p:Person" + round + ") WITH p LIMIT 5000 DETACH DELETE p").consume();
                String[] bad = {"MATCH (n RETURN n", "RETURN 1/0", "CALL nosuch.proc()", "CREATE (:User" + round + " {id: 1}), (:User" + round + " {id: 1})"};
                for (String q : bad) { try { s.run(q).consume(); } catch (Exception e) { } }
                if (round % 2 == 0) s.run("DROP INDEX person_name_" + (round - 1) + " IF EXISTS").consume();
                s.run("CREATE FULLTEXT INDEX ft_" + round + " IF NOT EXISTS FOR (p:Person" + round + ") ON EACH [p.name]").consume();
                s.run("CALL db.awaitIndexes(30)").consume();
            }
        }
    }
}
