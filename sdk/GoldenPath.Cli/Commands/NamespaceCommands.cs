using System.CommandLine;
using GoldenPath.Kubernetes;

namespace GoldenPath.Cli.Commands;

/// <summary><c>goldenpath namespace render</c>.</summary>
internal static class NamespaceCommands
{
    public static Command Render()
    {
        var team = new Option<string>("--team") { Description = "The team (a valid name), e.g. payments.", Required = true };
        var environment = new Option<string>("--env") { Description = "The environment, e.g. staging.", Required = true };
        var cpu = new Option<string>("--cpu") { Description = "The CPU its pods may request in total (4, 2500m).", DefaultValueFactory = _ => "4" };
        var memory = new Option<string>("--memory") { Description = "The memory its pods may request in total (8Gi).", DefaultValueFactory = _ => "8Gi" };
        var pods = new Option<int>("--pods") { Description = "The most pods it may run.", DefaultValueFactory = _ => 50 };
        var costCenter = new Option<string?>("--cost-center") { Description = "The cost-center label, when the organisation charges back." };
        var group = new Option<string?>("--group") { Description = "The identity-provider group bound to the edit role (default team-<team>)." };
        var command = new Command("render", "Write the objects that make a namespace a team's environment (Namespace with Pod Security restricted, ResourceQuota, LimitRange, edit Role and binding, default-deny NetworkPolicy with DNS) as YAML.")
        {
            team, environment, cpu, memory, pods, costCenter, group,
        };
        command.SetAction(async parse =>
        {
            var request = new NamespaceRequest(parse.GetValue(team)!, parse.GetValue(environment)!, parse.GetValue(cpu)!, parse.GetValue(memory)!, parse.GetValue(pods), parse.GetValue(costCenter), parse.GetValue(group));
            var problems = NamespaceBootstrap.Validate(request);
            if (problems.Count > 0)
            {
                foreach (var (field, messages) in problems)
                {
                    foreach (var message in messages)
                    {
                        await parse.InvocationConfiguration.Error.WriteLineAsync($"goldenpath: --{(field == "environment" ? "env" : field == "costCenter" ? "cost-center" : field)}: {message}").ConfigureAwait(false);
                    }
                }

                return ExitCodes.Usage;
            }

            await parse.InvocationConfiguration.Output.WriteAsync(NamespaceBootstrap.ToYaml(NamespaceBootstrap.Create(request))).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
