import XCTest

@testable import PostgresClient

final class ConnectionStringTests: XCTestCase {
    func testRedactedURLKeepsEverythingButThePassword() {
        let url = "postgresql://alice:Sw0rdfish-91@db.example.org:6543/outcomes?sslmode=disable"
        XCTAssertEqual(ConnectionString.password(in: url), "Sw0rdfish-91")
        let redacted = ConnectionString.redacted(url)
        XCTAssertEqual(redacted, "postgresql://alice@db.example.org:6543/outcomes")
        XCTAssertFalse(redacted.contains("Sw0rdfish-91"))
    }

    func testRedactedKeyValueForm() {
        let conninfo = "host=/tmp/oc port=5433 user=bob password=hunter2secret dbname=outcomes"
        let redacted = ConnectionString.redacted(conninfo)
        XCTAssertEqual(redacted, "postgresql://bob@/tmp/oc:5433/outcomes")
        XCTAssertFalse(redacted.contains("hunter2secret"))
    }

    func testPercentEncodedAndQueryPasswords() {
        // %40 is "@", %20 a space: libpq decodes them, and neither form may be printed.
        let encoded = "postgresql://carol:p%40ss%20W0rd@localhost/outcomes"
        XCTAssertEqual(ConnectionString.password(in: encoded), "p@ss W0rd")
        let redacted = ConnectionString.redacted(encoded)
        XCTAssertFalse(redacted.contains("p@ss W0rd"))
        XCTAssertFalse(redacted.contains("p%40ss"))

        let query = "postgresql://localhost:5432/outcomes?user=dave&password=Qwerty-7788"
        XCTAssertFalse(ConnectionString.redacted(query).contains("Qwerty-7788"))
        XCTAssertEqual(ConnectionString.redacted(query), "postgresql://dave@localhost:5432/outcomes")
    }

    func testDefaultsAndUnparseable() {
        // Without host or port libpq's defaults are shown: localhost and 5432.
        XCTAssertEqual(ConnectionString.redacted("dbname=outcomes"), "postgresql://localhost:5432/outcomes")
        // An unparseable string is not echoed at all (it might hold a password).
        let broken = "postgresql://erin:Unclosed-555@[::1/outcomes"
        XCTAssertNil(ConnectionString.options(of: broken))
        XCTAssertEqual(ConnectionString.redacted(broken), "(unparseable connection string)")
    }

    func testPasswordFormsFindsPasswordsEvenInUnparseableStrings() {
        // Parsed, and as written (percent-encoded) in the URL.
        XCTAssertEqual(
            Set(ConnectionString.passwordForms(in: "postgresql://u:p%40ss@h/db")), ["p@ss", "p%40ss"])
        // Quoted key=value.
        XCTAssertTrue(ConnectionString.passwordForms(in: "host=x password='a b c' dbname=y").contains("a b c"))
        // In a URL query; %21 is "!".
        let query = ConnectionString.passwordForms(in: "postgresql://h/db?user=u&password=q%21w&sslmode=disable")
        XCTAssertTrue(query.contains("q!w") && query.contains("q%21w"), "\(query)")
        // libpq cannot parse these, but the password is still found.
        XCTAssertTrue(ConnectionString.passwordForms(in: "postgresql://eve:S3cret-99@[::1/db").contains("S3cret-99"))
        XCTAssertTrue(ConnectionString.passwordForms(in: "password=Tr1cky 'unterminated").contains("Tr1cky"))
        // Nothing is invented where there is no password.
        XCTAssertEqual(ConnectionString.passwordForms(in: "postgresql://u@h:5432/db"), [])
        XCTAssertEqual(ConnectionString.passwordForms(in: "postgresql://[::1]:5432/db"), [])
        XCTAssertEqual(ConnectionString.passwordForms(in: "host=/tmp port=5 dbname=x"), [])
    }

    func testScrubRemovesAnEchoedURI() {
        let conninfo = "postgresql://eve:S3cret-99@[::1/db"
        let message =
            "end of string reached when looking for matching \"]\" in IPv6 host address in URI: \"\(conninfo)\"\n"
        let scrubbed = PostgresConnection.scrub(message, conninfo: conninfo)
        XCTAssertEqual(
            scrubbed,
            "end of string reached when looking for matching \"]\" in IPv6 host address in URI: \"(unparseable connection string)\""
        )
        XCTAssertFalse(scrubbed.contains("S3cret-99"))
    }
}
