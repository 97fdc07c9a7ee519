namespace GoldenPath.Catalog.Contracts;

/// <summary>The answer of <c>GET /api/v1/services/{name}/slos</c>: a service's objectives and what is left of their error budgets, as its Prometheus records them.</summary>
/// <param name="Service">The service.</param>
/// <param name="Objectives">One entry per objective the generated rules record (<c>availability</c>, <c>latency</c>); empty when none are recorded.</param>
public sealed record ServiceObjectives(string Service, IReadOnlyList<ObjectiveBudget> Objectives);

/// <summary>One objective and its error budget.</summary>
/// <param name="Slo">The objective: <c>availability</c> or <c>latency</c>.</param>
/// <param name="Objective">The share of requests that must be good, as a ratio (0.999).</param>
/// <param name="BudgetRemaining">What is left of the error budget over the objective's period: 1 untouched, 0 spent, below 0 overspent; null while there is no traffic to measure.</param>
public sealed record ObjectiveBudget(string Slo, double Objective, double? BudgetRemaining);
