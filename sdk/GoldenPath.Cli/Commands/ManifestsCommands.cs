using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using GoldenPath.Kubernetes;

namespace GoldenPath.Cli.Commands;

/// <summary><c>goldenpath manifests validate</c>.</summary>
internal static class ManifestsCommands
{
    public static Command Validate()
    {
        var path = new Argument<string>("path") { Description = "A directory (every *.yaml/*.yml under it, kustomization files left out) or one file, e.g. deploy or the output of kubectl kustomize." };
        var format = new Option<string>("--format") { Description = "table (for people), json, or sarif (for code-scanning tools).", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "sarif");
        var output = new Option<string?>("--output", "-o") { Description = "Write the result to this file instead of standard output." };
        var command = new Command("validate", "Read manifests strictly and check them against the golden-path policy. Exit 0: passed (warnings allowed); 1: errors; 2: no such path.")
        {
            path, format, output,
        };
        command.SetAction(async (parse, ct) =>
        {
            var target = parse.GetValue(path)!;
            var stdout = parse.InvocationConfiguration.Output;
            if (!Directory.Exists(target) && !File.Exists(target))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"goldenpath: no manifest file or directory at '{target}'; pass the publish output (e.g. deploy) or a file.").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var (documents, problems) = ManifestReader.ReadPath(target);
            var findings = PolicyEngine.Evaluate(documents);
            var passed = problems.Count == 0 && !findings.Any(f => f.Fails);
            var text = parse.GetValue(format) switch
            {
                "json" => Json(documents.Count, problems, findings, passed),
                "sarif" => Sarif(problems, findings),
                _ => Table(documents.Count, problems, findings, passed),
            };
            if (parse.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file, text, ct).ConfigureAwait(false);
                await stdout.WriteLineAsync($"{Summary(documents.Count, problems, findings, passed)} Written to {file}.").ConfigureAwait(false);
            }
            else
            {
                await stdout.WriteAsync(text).ConfigureAwait(false);
            }

            return passed ? ExitCodes.Success : ExitCodes.Failed;
        });
        return command;
    }

    private static string Summary(int objects, IReadOnlyList<ManifestProblem> problems, IReadOnlyList<PolicyFinding> findings, bool passed) =>
        $"{objects} objects: {(passed ? "passed" : "failed")}, {problems.Count + findings.Count(f => f.Fails)} error(s), " +
        $"{findings.Count(f => f.Severity == PolicySeverity.Warning && !f.Waived)} warning(s), {findings.Count(f => f.Waived)} waived.";

    private static string Table(int objects, IReadOnlyList<ManifestProblem> problems, IReadOnlyList<PolicyFinding> findings, bool passed)
    {
        var rows = problems.Select(p => (Level: "error", Check: "read", Object: "", Where: $"{p.File}:{p.Line}", p.Message))
            .Concat(findings.OrderByDescending(f => f.Fails).ThenBy(f => f.CheckId, StringComparer.Ordinal).ThenBy(f => f.Object, StringComparer.Ordinal)
                .Select(f => (Level: f.Waived ? "waived" : f.Severity.ToString().ToLowerInvariant(), Check: f.CheckId, f.Object, Where: $"{f.File}:{f.Line}", Message: f.Waived ? $"{f.Message} (waived: {f.WaiverReason})" : f.Message)))
            .ToList();
        var text = new System.Text.StringBuilder();
        if (rows.Count > 0)
        {
            var widths = new[] { Math.Max(5, rows.Max(r => r.Level.Length)), Math.Max(5, rows.Max(r => r.Check.Length)), Math.Max(6, rows.Max(r => r.Object.Length)), Math.Max(5, rows.Max(r => r.Where.Length)) };
            text.Append("LEVEL".PadRight(widths[0])).Append("  ").Append("CHECK".PadRight(widths[1])).Append("  ").Append("OBJECT".PadRight(widths[2])).Append("  ")
                .Append("WHERE".PadRight(widths[3])).Append("  MESSAGE\n");
            foreach (var row in rows)
            {
                text.Append(row.Level.PadRight(widths[0])).Append("  ").Append(row.Check.PadRight(widths[1])).Append("  ").Append(row.Object.PadRight(widths[2])).Append("  ")
                    .Append(row.Where.PadRight(widths[3])).Append("  ").Append(row.Message).Append('\n');
            }

            text.Append('\n');
        }

        return text.Append(Summary(objects, problems, findings, passed)).Append('\n').ToString();
    }

    private static string Json(int objects, IReadOnlyList<ManifestProblem> problems, IReadOnlyList<PolicyFinding> findings, bool passed)
    {
        var result = new JsonObject
        {
            ["passed"] = passed,
            ["objects"] = objects,
            ["errors"] = problems.Count + findings.Count(f => f.Fails),
            ["warnings"] = findings.Count(f => f.Severity == PolicySeverity.Warning && !f.Waived),
            ["problems"] = new JsonArray([.. problems.Select(p => (JsonNode)new JsonObject { ["file"] = p.File, ["line"] = p.Line, ["column"] = p.Column, ["message"] = p.Message })]),
            ["findings"] = new JsonArray([.. findings.Select(f => (JsonNode)new JsonObject
            {
                ["check"] = f.CheckId,
                ["severity"] = f.Severity.ToString().ToLowerInvariant(),
                ["object"] = f.Object,
                ["file"] = f.File,
                ["line"] = f.Line,
                ["message"] = f.Message,
                ["waived"] = f.Waived,
                ["waiverReason"] = f.WaiverReason,
            })]),
        };
        return result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>SARIF 2.1.0, the format code-scanning tools (GitHub, Azure DevOps) read; waived findings are suppressed results.</summary>
    private static string Sarif(IReadOnlyList<ManifestProblem> problems, IReadOnlyList<PolicyFinding> findings)
    {
        static JsonObject Location(string file, int line) => new()
        {
            ["physicalLocation"] = new JsonObject
            {
                ["artifactLocation"] = new JsonObject { ["uri"] = file.Replace('\\', '/') },
                ["region"] = new JsonObject { ["startLine"] = Math.Max(1, line) },
            },
        };

        var rules = new JsonArray([.. PolicyEngine.Checks.Select(c => (JsonNode)new JsonObject
        {
            ["id"] = c.Id,
            ["name"] = c.Title,
            ["shortDescription"] = new JsonObject { ["text"] = c.Title },
            ["fullDescription"] = new JsonObject { ["text"] = $"{c.Title} ({c.Source})" },
            ["defaultConfiguration"] = new JsonObject { ["level"] = c.Severity == PolicySeverity.Error ? "error" : "warning" },
            ["helpUri"] = "https://github.com/goldenpath-dev/goldenpath/blob/main/docs/kubernetes.md#the-policy",
        })]);
        var results = new JsonArray();
        foreach (var p in problems)
        {
            results.Add(new JsonObject { ["ruleId"] = "GPK-READ", ["level"] = "error", ["message"] = new JsonObject { ["text"] = p.Message }, ["locations"] = new JsonArray(Location(p.File, p.Line)) });
        }

        foreach (var f in findings)
        {
            var result = new JsonObject
            {
                ["ruleId"] = f.CheckId,
                ["level"] = f.Severity == PolicySeverity.Error ? "error" : "warning",
                ["message"] = new JsonObject { ["text"] = $"{f.Object}: {f.Message}" },
                ["locations"] = new JsonArray(Location(f.File, f.Line)),
            };
            if (f.Waived)
            {
                result["suppressions"] = new JsonArray(new JsonObject { ["kind"] = "inSource", ["justification"] = f.WaiverReason });
            }

            results.Add(result);
        }

        var sarif = new JsonObject
        {
            ["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json",
            ["version"] = "2.1.0",
            ["runs"] = new JsonArray(new JsonObject
            {
                ["tool"] = new JsonObject
                {
                    ["driver"] = new JsonObject
                    {
                        ["name"] = "goldenpath",
                        ["informationUri"] = "https://github.com/goldenpath-dev/goldenpath",
                        ["version"] = typeof(ManifestsCommands).Assembly.GetName().Version?.ToString(3),
                        ["rules"] = rules,
                    },
                },
                ["results"] = results,
            }),
        };
        return sarif.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}
