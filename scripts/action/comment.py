"""The Action's comment step: post the report on the pull request, or update the one posted.

One comment per pull request: the step lists the PR's comments, finds the one whose body holds
the hidden marker ``<!-- overgrant-report -->`` and edits it (``PATCH
/repos/{owner}/{repo}/issues/comments/{id}``), or creates it (``POST
/repos/{owner}/{repo}/issues/{number}/comments``) on the first run. See
https://docs.github.com/en/rest/issues/comments.

A comment is a courtesy, not the verdict: when the token may not comment (a pull request from a
fork has a read-only token) or the API fails, the step warns and succeeds, and the gate decides.
"""

from __future__ import annotations

from overgrant_action import (
    COMMENT_MARKER,
    GitHub,
    GitHubError,
    env,
    notice,
    pull_request_number,
    report_body,
    set_output,
)


def upsert_comment(github: GitHub, repository: str, number: int, body: str) -> tuple[int, str]:
    """Update the marked comment or create it; returns (comment id, "created"|"updated")."""
    comments = github.pages(f"/repos/{repository}/issues/{number}/comments?per_page=100")
    ours = [c for c in comments if COMMENT_MARKER in str(c.get("body") or "")]
    if ours:
        comment_id = int(ours[0]["id"])
        github.request("PATCH", f"/repos/{repository}/issues/comments/{comment_id}", {"body": body})
        return comment_id, "updated"
    created, _ = github.request(
        "POST", f"/repos/{repository}/issues/{number}/comments", {"body": body}
    )
    return int(created["id"]), "created"


def main() -> None:
    number = pull_request_number(env("GITHUB_EVENT_PATH"))
    if number is None:
        print("overgrant: not a pull request event; no comment to post")
        return
    repository = env("GITHUB_REPOSITORY")
    token = env("GITHUB_TOKEN")
    if not repository or not token:
        notice("warning", "overgrant: no GITHUB_REPOSITORY or token; the PR comment is skipped")
        return
    try:
        github = GitHub(env("GITHUB_API_URL", "https://api.github.com"), token)
        comment_id, action = upsert_comment(github, repository, number, report_body())
    except GitHubError as exc:
        hint = " (the token needs pull-requests: write)" if exc.status in (401, 403, 404) else ""
        notice("warning", f"overgrant: could not comment on pull request #{number}{hint}: {exc}")
        return
    set_output("comment-id", str(comment_id))
    print(f"overgrant: {action} the report comment {comment_id} on pull request #{number}")


if __name__ == "__main__":
    main()
