import ArgumentParser
import Foundation
import RampartApply
import RampartBasics
@testable import RampartCLI
import RampartModel
import RampartPlan
import Testing

/// The command line as data: arguments parse into the commands' options, and the plan and the
/// closing table render as a user reads them (no terminal here, so no colors).
struct CommandLineTests {
    @Test func applyParsesItsOptions() throws {
        let command = try RampartCommand.parseAsRoot(["apply", "-i", "inv.yml", "site.yml", "--yes", "--fail-fast", "--forks", "8", "--lock-timeout", "30"])
        let apply = try #require(command as? ApplyCommand)
        #expect(apply.inventory == "inv.yml" && apply.target == "site.yml")
        #expect(apply.yes && apply.failFast && apply.forks == 8 && apply.lockTimeout == 30)
    }

    @Test func aSavedPlanNeedsNoInventory() throws {
        let apply = try #require(try RampartCommand.parseAsRoot(["apply", "site.plan"]) as? ApplyCommand)
        #expect(apply.inventory == nil && apply.target == "site.plan")
    }

    @Test func promoteTakesItsGroupsFromTheInventoryUnlessGiven() throws {
        let promote = try #require(try RampartCommand.parseAsRoot(["db", "promote", "db2", "-i", "inv.yml"]) as? PromoteCommand)
        #expect(promote.primaryGroup == nil && promote.replicaGroup == nil && promote.catchUpTimeout == 30)
    }

    @Test func withoutATerminalAnApplyMustBeToldYes() {
        #expect(throws: DiagnosticError.self) { _ = try ApplyCommand.confirm(skip: false) }
        #expect((try? ApplyCommand.confirm(skip: true)) == true)
    }

    @Test func thePlanAsAUserReadsIt() {
        let write = Step([ResourceID(.file, "/etc/motd")], .update, summary: "content", diff: "--- /etc/motd\n+++ /etc/motd\n@@ -1 +1 @@\n-old\n+new\n",
                         script: StepScript(converged: nil, change: "true"))
        let reload = Step([ResourceID(.service, "nginx")], .reload, summary: "reload", script: StepScript(converged: nil, change: "true"), isHandler: true)
        let plan = Plan(inventory: "inv.yml", playbook: "site.yml", hosts: [
            HostPlan(host: "web1", playbook: "site", fingerprint: "f", steps: [write, reload], manifest: nil),
        ])
        let text = PlanView().render(plan, errors: ["db1": .error("no answer from 10.0.0.21", hint: "is it up?", host: "db1")])
        #expect(text == """
        web1
          ~ file:/etc/motd  content
              --- /etc/motd
              +++ /etc/motd
              @@ -1 +1 @@
              -old
              +new
          ↻ service:nginx   reload (when a subscription changes)
        db1: error: no answer from 10.0.0.21
          hint: is it up?

        Plan: 0 to add, 1 to change, 0 to delete. 1 host could not be planned (above).

        """, "\(text)")
        #expect(PlanView.summaryLine(Plan(inventory: "i", playbook: "p", hosts: []).summary, unplanned: 5) == "No changes for the hosts that were planned; 5 hosts could not be planned (above).")
        #expect(PlanView.summaryLine(Plan(inventory: "i", playbook: "p", hosts: []).summary, unplanned: 0) == "No changes. The hosts match the playbook.")
    }

    @Test func theClosingTable() {
        var web1 = HostReport(host: "web1")
        web1.changed = 2
        web1.unchanged = 1
        web1.seconds = 0.25
        var db1 = HostReport(host: "db1")
        db1.error = .error("boom", host: "db1")
        let table = ApplySummary.table([web1, db1], seconds: 1.5)
        #expect(table == "\nhost  ok  changed  failed  time\nweb1   1        2       0  250 ms\ndb1    0        0       1  0 ms\n1 of 2 hosts failed.\n", "\(table)")
    }
}
