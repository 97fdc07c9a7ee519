using System.Net.Mail;
using Microsoft.EntityFrameworkCore;
using UserApi.Data;

namespace UserApi.Users;

/// <summary>The users endpoints.</summary>
internal static class UsersApi
{
    public const string CacheHeader = "X-Cache";

    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder endpoints)
    {
        var users = endpoints.MapGroup("/users").WithTags("Users");
        users.MapPost("/", CreateAsync).WithSummary("Creates a user.");
        users.MapGet("/", ListAsync).WithSummary("Lists users by creation time, a page at a time.");
        users.MapGet("/{id:guid}", GetAsync).WithSummary("Reads a user; the X-Cache header says whether Redis answered.");
        users.MapPut("/{id:guid}", UpdateAsync).WithSummary("Changes a user's name and e-mail.");
        users.MapDelete("/{id:guid}", DeleteAsync).WithSummary("Deletes a user.");
        users.MapPost("/{id:guid}/orders", PlaceOrderAsync).WithSummary("Places an order: publishes an OrderPlaced event for the orders worker.");
        return endpoints;
    }

    private static async Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(UserRequest request, UsersDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (Validate(request) is { } invalid)
        {
            return invalid;
        }

        var now = time.GetUtcNow();
        var user = new User { Id = Guid.CreateVersion7(now), Name = request.Name!.Trim(), Email = request.Email!.Trim().ToLowerInvariant(), CreatedAt = now, UpdatedAt = now };
        if (await db.Users.AnyAsync(u => u.Email == user.Email, ct))
        {
            return EmailTaken(user.Email);
        }

        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return EmailTaken(user.Email);
        }

        return TypedResults.Created($"/users/{user.Id}", ToResponse(user));
    }

    private static async Task<Ok<List<UserResponse>>> ListAsync(UsersDbContext db, int? page, int? size, CancellationToken ct)
    {
        var take = Math.Clamp(size ?? 50, 1, 200);
        var skip = Math.Max(0, (page ?? 1) - 1) * take;
        var users = await db.Users.AsNoTracking().OrderBy(u => u.CreatedAt).ThenBy(u => u.Id).Skip(skip).Take(take).ToListAsync(ct);
        return TypedResults.Ok(users.Select(ToResponse).ToList());
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> GetAsync(Guid id, UsersDbContext db, UserCache cache, HttpContext context, CancellationToken ct)
    {
        if (await cache.GetAsync(id) is { } cached)
        {
            context.Response.Headers[CacheHeader] = "hit";
            return TypedResults.Ok(cached);
        }

        context.Response.Headers[CacheHeader] = "miss";
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
        {
            return NotFound(id);
        }

        var response = ToResponse(user);
        await cache.SetAsync(response);
        return TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(Guid id, UserRequest request, UsersDbContext db, UserCache cache, TimeProvider time, CancellationToken ct)
    {
        if (Validate(request) is { } invalid)
        {
            return invalid;
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
        {
            return NotFound(id);
        }

        var email = request.Email!.Trim().ToLowerInvariant();
        if (email != user.Email && await db.Users.AnyAsync(u => u.Email == email, ct))
        {
            return EmailTaken(email);
        }

        user.Name = request.Name!.Trim();
        user.Email = email;
        user.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await cache.RemoveAsync(id);
        return TypedResults.Ok(ToResponse(user));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, UsersDbContext db, UserCache cache, CancellationToken ct)
    {
        var deleted = await db.Users.Where(u => u.Id == id).ExecuteDeleteAsync(ct);
        await cache.RemoveAsync(id);
        return deleted == 0 ? NotFound(id) : TypedResults.NoContent();
    }

    private static async Task<Results<Accepted<OrderPlaced>, ValidationProblem, ProblemHttpResult>> PlaceOrderAsync(Guid id, OrderRequest request, UsersDbContext db, OrderEvents events, TimeProvider time, CancellationToken ct)
    {
        if (request.Amount <= 0 || request.Amount > 1_000_000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["amount"] = [$"{request.Amount} is not between 0 (exclusive) and 1000000"] });
        }

        if (!await db.Users.AnyAsync(u => u.Id == id, ct))
        {
            return NotFound(id);
        }

        var order = new OrderPlaced(request.OrderId ?? Guid.CreateVersion7(time.GetUtcNow()), id, request.Amount, time.GetUtcNow());
        await events.PublishAsync(order);
        return TypedResults.Accepted($"/orders/{order.OrderId}", order);
    }

    private static ValidationProblem? Validate(UserRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > 100)
        {
            errors["name"] = ["name is required and has at most 100 characters"];
        }

        if (string.IsNullOrWhiteSpace(request.Email) || request.Email.Length > 254 || !MailAddress.TryCreate(request.Email.Trim(), out var address) || address.Address != request.Email.Trim())
        {
            errors["email"] = [$"'{request.Email}' is not an e-mail address such as 'jane@example.com'"];
        }

        return errors.Count == 0 ? null : TypedResults.ValidationProblem(errors, title: "The user is not valid");
    }

    private static ProblemHttpResult NotFound(Guid id) => TypedResults.Problem($"There is no user '{id}'.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    private static ProblemHttpResult EmailTaken(string email) => TypedResults.Problem($"Another user has the e-mail address '{email}'.", statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    private static UserResponse ToResponse(User user) => new(user.Id, user.Name, user.Email, user.CreatedAt, user.UpdatedAt);
}
