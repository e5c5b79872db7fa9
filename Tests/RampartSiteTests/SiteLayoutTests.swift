import Foundation
import RampartBasics
import RampartModel
import RampartSite
import Testing

/// The site's parts come from the inventory: the reference names by default, the user's own
/// group names through `site_groups`, and a clear error for a part or group that does not exist.
struct SiteLayoutTests {
    static func inventory(groups: [Group], vars: [String: Value] = [:]) -> Inventory {
        Inventory(hosts: ["edge1", "app1", "app2", "pg1", "pg2", "obs1"].map { Host($0, address: "10.0.0.\($0.count)") },
                  groups: groups, vars: vars)
    }

    @Test func theReferenceNamesByDefault() throws {
        let layout = try SiteLayout(inventory: Self.inventory(groups: [
            Group("loadbalancers", hosts: ["edge1"]), Group("webservers", hosts: ["app1", "app2"]),
            Group("db_primary", hosts: ["pg1"]), Group("db_replicas", hosts: ["pg2"]), Group("monitoring", hosts: ["obs1"]),
        ]))
        #expect(layout.hosts(.webServers) == ["app1", "app2"] && layout.hosts(.primary) == ["pg1"])
        #expect(layout.domain == "www.foobar.com" && layout.prometheusPort == 9090)
    }

    @Test func aSiteWithItsOwnGroupNames() throws {
        let layout = try SiteLayout(inventory: Self.inventory(groups: [
            Group("edge", hosts: ["edge1"]), Group("app", hosts: ["app1", "app2"]), Group("pg_main", hosts: ["pg1"]),
            Group("pg_standby", hosts: ["pg2"]), Group("observability", hosts: ["obs1"]),
        ], vars: [
            "site_domain": .string("shop.example.org"), "prometheus_port": .int(9091),
            "site_groups": .map(["loadbalancers": .string("edge"), "webservers": .string("app"), "db_primary": .string("pg_main"),
                                 "db_replicas": .string("pg_standby"), "monitoring": .string("observability")]),
        ]))
        #expect(layout.hosts(.loadBalancers) == ["edge1"] && layout.hosts(.replicas) == ["pg2"] && layout.hosts(.monitoring) == ["obs1"])
        #expect(layout.domain == "shop.example.org" && layout.prometheusPort == 9091)
    }

    @Test func anEmptyPartIsEmptyNotAnError() throws {
        let layout = try SiteLayout(inventory: Self.inventory(groups: [Group("webservers", hosts: ["app1"])]))
        #expect(layout.hosts(.primary).isEmpty && layout.hosts(.monitoring).isEmpty)
    }

    @Test func anUnknownPartOrGroupIsAClearError() {
        let typo = Self.inventory(groups: [Group("app", hosts: ["app1"])], vars: ["site_groups": .map(["webserver": .string("app")])])
        #expect(throws: DiagnosticError.self) { try SiteLayout(inventory: typo) }
        do { _ = try SiteLayout(inventory: typo) } catch let error as DiagnosticError {
            #expect(error.diagnostics.first?.message == "site_groups names an unknown part 'webserver'")
            #expect(error.diagnostics.first?.hint == "did you mean 'webservers'?")
        } catch { Issue.record("\(error)") }
        let missing = Self.inventory(groups: [Group("app", hosts: ["app1"])], vars: ["site_groups": .map(["webservers": .string("apps")])])
        do { _ = try SiteLayout(inventory: missing) } catch let error as DiagnosticError {
            #expect(error.diagnostics.first?.message == "site_groups.webservers must name a group of the inventory, not 'apps'")
            #expect(error.diagnostics.first?.hint == "did you mean 'app'?")
        } catch { Issue.record("\(error)") }
    }
}

/// Prometheus's HTTP API answers (the documented format) into series, and the status panel's chart.
struct SiteStatusTests {
    @Test func instantAndRangeAnswers() throws {
        let instant = #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":"node","host":"web1"},"value":[1796213740.1,"1"]}]}}"#
        let series = try #require(try PrometheusSeries.parse(Data(instant.utf8)))
        #expect(series.count == 1 && series[0].labels["host"] == "web1" && series[0].value == 1)
        let range = #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"0.5"],[2,"2"],[3,"NaN"]]}]}}"#
        let values = try #require(try PrometheusSeries.parse(Data(range.utf8))?.first?.values)
        #expect(values.count == 3 && values[0] == 0.5 && values[2].isNaN)
        #expect(try PrometheusSeries.parse(Data(#"{"status":"error"}"#.utf8)) == nil)
    }

    @Test func theSparklineScalesToItsLargestValue() {
        #expect(SiteStatus.sparkline([0, 1, 2, 4, 8]) == "▁▂▃▅█")
        #expect(SiteStatus.sparkline([0, 0]) == "▁▁")
    }
}
