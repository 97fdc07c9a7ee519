using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using GoldenPath.Kubernetes;

namespace GoldenPath.Cli.Commands;

/// <summary><c>goldenpath manifests validate</c>.</summary>
internal static class ManifestsCommands
{
    public static Command Validate(Func<string, string?> environment, TimeProvider time)
    {
        var path = new Argument<string>("path")
        {
            Description = "A file (e.g. the output of kubectl kustomize), a folder of manifests (every *.yaml, *.yml and *.json under it), or a kustomize tree: " +
                "then each kustomization in it (every overlay, base and any other, hidden folders included; not components) is built with kubectl kustomize and checked as built, and manifests no kustomization covers are read as they are.",
        };
        var format = new Option<string>("--format") { Description = "table (for people), json, or sarif (for code-scanning tools).", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "sarif");
        var output = new Option<string?>("--output", "-o") { Description = "Write the result to this file instead of standard output." };
        var exceptionsFile = new Option<string?>("--exceptions")
        {
            Description = "The platform team's exceptions file (YAML or JSON): the only way to set aside a check an object may not waive itself (docs/kubernetes.md).",
        };
        var command = new Command("validate", "Read manifests strictly and check them against the golden-path policy. Exit 0: passed (warnings allowed); 1: errors; 2: no such path.")
        {
            path, format, output, exceptionsFile,
        };
        command.SetAction(async (parse, ct) =>
        {
            var target = parse.GetValue(path)!;
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            if (!Directory.Exists(target) && !File.Exists(target))
            {
                await stderr.WriteLineAsync($"goldenpath: no manifest file or directory at '{target}'; pass the publish output (e.g. deploy) or a file.").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            if (File.Exists(target) && KustomizeTree.IsKustomization(target))
            {
                target = Path.GetDirectoryName(Path.GetFullPath(target))!; // a kustomization means its folder, built
            }

            var exceptions = new List<PolicyException>();
            var problems = new List<ManifestProblem>();
            if (parse.GetValue(exceptionsFile) is { } exceptionsPath)
            {
                if (!File.Exists(exceptionsPath))
                {
                    await stderr.WriteLineAsync($"goldenpath: no exceptions file at '{exceptionsPath}'; pass the platform team's exceptions file, or leave out --exceptions.").ConfigureAwait(false);
                    return ExitCodes.Usage;
                }

                var (entries, entryProblems) = PolicyExceptions.Read(await File.ReadAllTextAsync(exceptionsPath, ct).ConfigureAwait(false), Path.GetFileName(exceptionsPath));
                exceptions.AddRange(entries);
                problems.AddRange(entryProblems);
            }

            // Each kustomization is named by its path in the tree; the folder given, when it is one, by its own name.
            var kustomizations = (Directory.Exists(target) ? KustomizeTree.Buildable(target) : [])
                .Select(r => (Name: r == "." ? Path.GetFileName(Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar)) : r, Directory: Path.Combine(target, r)))
                .ToList();
            var documents = new List<ManifestDocument>();
            if (kustomizations.Count == 0)
            {
                var (read, readProblems) = ManifestReader.ReadPath(target);
                documents.AddRange(read);
                problems.AddRange(readProblems);
            }
            else if (FindOnPath(environment, "kubectl") is not { } kubectl)
            {
                var example = kustomizations.Select(r => r.Name).FirstOrDefault(r => r.EndsWith("/prod", StringComparison.Ordinal)) ?? kustomizations[^1].Name;
                await stderr.WriteLineAsync(
                    $"goldenpath: '{target}' is a kustomize tree ({string.Join(", ", kustomizations.Select(r => r.Name))}): each of them must be built to be checked, and kubectl is not on PATH; " +
                    $"install kubectl: https://kubernetes.io/docs/tasks/tools/ (goldenpath doctor checks for it), or build each yourself and validate the output, " +
                    $"e.g. kubectl kustomize {example} > {Path.GetFileName(example)}.yaml, then goldenpath manifests validate {Path.GetFileName(example)}.yaml.").ConfigureAwait(false);
                return ExitCodes.Failed;
            }
            else
            {
                // The builds are independent processes: run as many at once as there are cores, read the results in order.
                var builds = new (string? Output, string? Error)[kustomizations.Count];
                await Parallel.ForEachAsync(Enumerable.Range(0, kustomizations.Count), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct },
                    async (i, token) => builds[i] = await KustomizeTree.BuildAsync(kubectl, kustomizations[i].Directory, token).ConfigureAwait(false)).ConfigureAwait(false);
                foreach (var ((name, _), (built, error)) in kustomizations.Zip(builds))
                {
                    if (built is null)
                    {
                        problems.Add(new ManifestProblem(name, 0, 0, error!));
                        continue;
                    }

                    var (read, readProblems) = ManifestReader.Read(built, name);
                    documents.AddRange(read);
                    problems.AddRange(readProblems);
                }

                foreach (var loose in KustomizeTree.LooseManifests(target))
                {
                    var (read, readProblems) = ManifestReader.Read(await File.ReadAllTextAsync(Path.Combine(target, loose), ct).ConfigureAwait(false), loose);
                    documents.AddRange(read);
                    problems.AddRange(readProblems);
                }
            }

            var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            var findings = PolicyEngine.Evaluate(documents, exceptions, today);
            var result = new Result(documents.Count, problems, findings, [.. exceptions.Where(e => e.IsExpired(today))], [.. kustomizations.Select(r => r.Name)]);
            var text = parse.GetValue(format) switch
            {
                "json" => Json(result),
                "sarif" => Sarif(result),
                _ => Table(result),
            };
            if (parse.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file, text, ct).ConfigureAwait(false);
                await stdout.WriteLineAsync($"{Summary(result)} Written to {file}.").ConfigureAwait(false);
            }
            else
            {
                await stdout.WriteAsync(text).ConfigureAwait(false);
            }

            return result.Passed ? ExitCodes.Success : ExitCodes.Failed;
        });
        return command;
    }

    private static string? FindOnPath(Func<string, string?> environment, string file) =>
        (environment("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(directory => Path.Combine(directory, file)).FirstOrDefault(File.Exists);

    /// <summary>What one run found: objects, read problems, findings, the exceptions file's expired entries, the kustomizations built.</summary>
    private sealed record Result(int Objects, IReadOnlyList<ManifestProblem> Problems, IReadOnlyList<PolicyFinding> Findings, IReadOnlyList<PolicyException> Expired, IReadOnlyList<string> Built)
    {
        public bool Passed => Problems.Count == 0 && !Findings.Any(f => f.Fails);

        public int Errors => Problems.Count + Findings.Count(f => f.Fails);

        public int Warnings => Findings.Count(f => f.Severity == PolicySeverity.Warning && !f.Waived && !f.Excepted);
    }

    private static string Summary(Result result) =>
        $"{result.Objects} objects{(result.Built.Count > 0 ? $" ({string.Join(", ", result.Built)} built with kubectl kustomize)" : "")}: {(result.Passed ? "passed" : "failed")}, " +
        $"{result.Errors} error(s), {result.Warnings} warning(s), {result.Findings.Count(f => f.Waived)} waived, {result.Findings.Count(f => f.Excepted)} excepted" +
        $"{(result.Expired.Count > 0 ? $", {result.Expired.Count} expired exception(s)" : "")}.";

    private static string Excepted(PolicyException e) => $"excepted by {e.Entry}: {e.Owner}, until {e.Expires:yyyy-MM-dd}: {e.Reason}";

    private static string Table(Result result)
    {
        var rows = result.Problems.Select(p => (Level: "error", Check: "read", Object: "", Where: $"{p.File}:{p.Line}", p.Message))
            .Concat(result.Findings.OrderByDescending(f => f.Fails).ThenBy(f => f.CheckId, StringComparer.Ordinal).ThenBy(f => f.Object, StringComparer.Ordinal).ThenBy(f => f.File, StringComparer.Ordinal)
                .Select(f => (
                    Level: f.Waived ? "waived" : f.Excepted ? "excepted" : f.Severity.ToString().ToLowerInvariant(),
                    Check: f.CheckId, f.Object, Where: $"{f.File}:{f.Line}",
                    Message: f.Waived ? $"{f.Message} (waived: {f.WaiverReason})" : f.ExceptedBy is { } e ? $"{f.Message} ({Excepted(e)})" : f.Message)))
            .Concat(result.Expired.Select(e => (Level: "expired", Check: e.CheckId, Object: e.Target, Where: e.Entry,
                Message: $"exception expired on {e.Expires:yyyy-MM-dd} and no longer applies (owner {e.Owner}); renew it or remove it from the exceptions file")))
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

        return text.Append(Summary(result)).Append('\n').ToString();
    }

    private static JsonObject Describe(PolicyException e) => new()
    {
        ["entry"] = e.Entry,
        ["check"] = e.CheckId,
        ["target"] = e.Target,
        ["owner"] = e.Owner,
        ["reason"] = e.Reason,
        ["expires"] = e.Expires.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string Json(Result result)
    {
        var json = new JsonObject
        {
            ["passed"] = result.Passed,
            ["objects"] = result.Objects,
            ["built"] = new JsonArray([.. result.Built.Select(b => (JsonNode)JsonValue.Create(b))]),
            ["errors"] = result.Errors,
            ["warnings"] = result.Warnings,
            ["problems"] = new JsonArray([.. result.Problems.Select(p => (JsonNode)new JsonObject { ["file"] = p.File, ["line"] = p.Line, ["column"] = p.Column, ["message"] = p.Message })]),
            ["findings"] = new JsonArray([.. result.Findings.Select(f => (JsonNode)new JsonObject
            {
                ["check"] = f.CheckId,
                ["severity"] = f.Severity.ToString().ToLowerInvariant(),
                ["object"] = f.Object,
                ["file"] = f.File,
                ["line"] = f.Line,
                ["message"] = f.Message,
                ["waived"] = f.Waived,
                ["waiverReason"] = f.WaiverReason,
                ["exceptedBy"] = f.ExceptedBy is { } e ? Describe(e) : null,
            })]),
            ["expiredExceptions"] = new JsonArray([.. result.Expired.Select(e => (JsonNode)Describe(e))]),
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>
    /// SARIF 2.1.0, the format code-scanning tools (GitHub, Azure DevOps) read: waived findings are suppressed results of kind
    /// inSource (the object's annotation), excepted ones of kind external (the exceptions file), each with its justification.
    /// </summary>
    private static string Sarif(Result result)
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
            ["fullDescription"] = new JsonObject { ["text"] = $"{c.Title} ({c.Source}); {(c.WaivedBy == PolicyWaiver.Annotation ? "waivable by the object's annotation" : "set aside only by the platform's exceptions file")}" },
            ["defaultConfiguration"] = new JsonObject { ["level"] = c.Severity == PolicySeverity.Error ? "error" : "warning" },
            ["helpUri"] = "https://github.com/goldenpath-dev/goldenpath/blob/main/docs/kubernetes.md#the-policy",
        })]);
        var results = new JsonArray();
        foreach (var p in result.Problems)
        {
            results.Add(new JsonObject { ["ruleId"] = "GPK-READ", ["level"] = "error", ["message"] = new JsonObject { ["text"] = p.Message }, ["locations"] = new JsonArray(Location(p.File, p.Line)) });
        }

        foreach (var f in result.Findings)
        {
            var finding = new JsonObject
            {
                ["ruleId"] = f.CheckId,
                ["level"] = f.Severity == PolicySeverity.Error ? "error" : "warning",
                ["message"] = new JsonObject { ["text"] = $"{f.Object}: {f.Message}" },
                ["locations"] = new JsonArray(Location(f.File, f.Line)),
            };
            if (f.Waived)
            {
                finding["suppressions"] = new JsonArray(new JsonObject { ["kind"] = "inSource", ["justification"] = f.WaiverReason });
            }
            else if (f.ExceptedBy is { } e)
            {
                finding["suppressions"] = new JsonArray(new JsonObject { ["kind"] = "external", ["justification"] = Excepted(e), ["location"] = Location(e.File, e.Line) });
            }

            results.Add(finding);
        }

        foreach (var e in result.Expired)
        {
            results.Add(new JsonObject
            {
                ["ruleId"] = e.CheckId,
                ["level"] = "note",
                ["message"] = new JsonObject { ["text"] = $"exception for {e.Target} (owner {e.Owner}) expired on {e.Expires:yyyy-MM-dd} and no longer applies" },
                ["locations"] = new JsonArray(Location(e.File, e.Line)),
            });
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
