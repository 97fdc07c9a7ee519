using System.CommandLine;
using GoldenPath.Catalog;

namespace GoldenPath.Cli.Commands;

/// <summary><c>goldenpath catalog validate</c>.</summary>
internal static class CatalogCommands
{
    public static Command Validate()
    {
        var file = new Argument<string>("file") { Description = "The catalog file.", DefaultValueFactory = _ => CatalogInfoReader.FileName };
        var command = new Command("validate", "Check catalog-info.yaml: Backstage's rules, the golden path's name rule, owners and lifecycles. Exit 0: valid; 1: problems (file(line,column): field: message); 2: no such file.")
        {
            file,
        };
        command.SetAction(async parse =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"goldenpath: no file at '{path}'; every golden-path service describes itself in {CatalogInfoReader.FileName} at its repository root.").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var (entities, read) = CatalogInfoReader.TryRead(await File.ReadAllTextAsync(path).ConfigureAwait(false), path);
            var problems = read.Select(p => p.ToString()).ToList();
            // Backstage accepts names such as Orders_API; a golden-path service's name must also be a Kubernetes label.
            problems.AddRange(entities.OfType<ComponentEntity>()
                .Where(c => ServiceName.Validate(c.Metadata.Name) is not null)
                .Select(c => $"{path}: metadata.name: service name {ServiceName.Validate(c.Metadata.Name)}"));
            var output = parse.InvocationConfiguration.Output;
            foreach (var problem in problems)
            {
                await output.WriteLineAsync(problem).ConfigureAwait(false);
            }

            if (problems.Count > 0)
            {
                await output.WriteLineAsync($"{path}: {problems.Count} problem(s).").ConfigureAwait(false);
                return ExitCodes.Failed;
            }

            foreach (var entity in entities)
            {
                var detail = entity is ComponentEntity c ? $" (owner {c.Spec.Owner}, system {c.Spec.System ?? "-"}, lifecycle {c.Spec.Lifecycle})" : "";
                await output.WriteLineAsync($"{entity.Kind} {entity.Metadata.Name}{detail}").ConfigureAwait(false);
            }

            await output.WriteLineAsync($"{path}: valid, {entities.Count} entit{(entities.Count == 1 ? "y" : "ies")}.").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
