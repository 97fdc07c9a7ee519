using System.Text.Json.Serialization;

namespace UserApi.Users;

/// <summary>The body of <c>POST /users</c> and <c>PUT /users/{id}</c>.</summary>
/// <param name="Name">The user's name, 1-100 characters.</param>
/// <param name="Email">The e-mail address, unique.</param>
public sealed record UserRequest(string? Name, string? Email);

/// <summary>A user.</summary>
/// <param name="Id">The id.</param>
/// <param name="Name">The name.</param>
/// <param name="Email">The e-mail address.</param>
/// <param name="CreatedAt">When the user was created.</param>
/// <param name="UpdatedAt">When the user was last changed.</param>
public sealed record UserResponse(Guid Id, string Name, string Email, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>The body of <c>POST /users/{id}/orders</c>.</summary>
/// <param name="Amount">The order's amount, more than zero.</param>
/// <param name="OrderId">An id chosen by the client so that a retried request is one order; generated when not set.</param>
public sealed record OrderRequest(decimal Amount, Guid? OrderId = null);

/// <summary>An order event as published to the <c>orders</c> stream.</summary>
/// <param name="OrderId">The order id.</param>
/// <param name="UserId">The user who placed it.</param>
/// <param name="Amount">The amount.</param>
/// <param name="PlacedAt">When it was placed.</param>
public sealed record OrderPlaced(Guid OrderId, Guid UserId, decimal Amount, DateTimeOffset PlacedAt);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(UserResponse))]
internal sealed partial class UserJsonContext : JsonSerializerContext;
