from __future__ import annotations

import uuid

import jwt

from conftest import Account


def test_signup_shape_and_duplicate(client):
    email = f"Shape{uuid.uuid4().hex[:6]}@Example.com"
    r = client.post("/api/auth/signup", json={"email": email, "password": "long enough 1"})
    assert r.status_code == 201
    body = r.json()
    assert set(body) == {"access_token", "token_type", "user"}
    assert body["token_type"] == "bearer"
    assert isinstance(body["user"]["id"], str) and body["user"]["email"] == email.lower()
    r = client.post("/api/auth/signup", json={"email": email.lower(), "password": "long enough 1"})
    assert r.status_code == 409


def test_password_is_stored_as_argon2(client, db_url):
    import psycopg
    acc = Account(client)
    with psycopg.connect(db_url) as c:
        (h,) = c.execute("SELECT password_hash FROM users WHERE id = %s", (acc.id,)).fetchone()
    assert h.startswith("$argon2id$") and acc.password not in h


def test_login_and_me(client):
    acc = Account(client)
    r = client.post("/api/auth/login", json={"email": acc.email.upper(), "password": acc.password})
    assert r.status_code == 200
    token = r.json()["access_token"]
    assert r.json()["user"] == {"id": acc.id, "email": acc.email}
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json() == {"id": acc.id, "email": acc.email}


def test_login_wrong_password_and_unknown_user(client):
    acc = Account(client)
    assert client.post("/api/auth/login", json={"email": acc.email, "password": "wrong password"}).status_code == 401
    assert client.post("/api/auth/login", json={"email": "nobody@example.com", "password": "whatever1"}).status_code == 401


def test_bad_signup_input_is_422_with_one_line(client):
    r = client.post("/api/auth/signup", json={"email": "not-an-email", "password": "long enough 1"})
    assert r.status_code == 422 and "email" in r.json()["detail"]
    r = client.post("/api/auth/signup", json={"email": "a@example.com", "password": "short"})
    assert r.status_code == 422 and "password" in r.json()["detail"]


def test_no_bad_or_foreign_token_is_401(client, settings):
    assert client.get("/api/auth/me").status_code == 401
    assert client.get("/api/auth/me", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    assert client.get("/api/auth/me", headers={"Authorization": "Basic abc"}).status_code == 401
    acc = Account(client)
    forged = jwt.encode({"sub": acc.id, "exp": 9999999999, "jti": "x"}, "another-secret-entirely-and-long-enough-for-hs256", algorithm="HS256")
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    expired = jwt.encode({"sub": acc.id, "exp": 1, "jti": "y"}, settings.jwt_secret, algorithm="HS256")
    r = client.get("/api/auth/me", headers={"Authorization": f"Bearer {expired}"})
    assert r.status_code == 401 and "expired" in r.json()["detail"]


def test_logout_revokes_the_token(client):
    acc = Account(client)
    assert client.get("/api/auth/me", headers=acc.headers).status_code == 200
    assert client.post("/api/auth/logout", headers=acc.headers).status_code == 204
    r = client.get("/api/auth/me", headers=acc.headers)
    assert r.status_code == 401 and "logout" in r.json()["detail"]
    assert client.get(acc.url("/tasks"), headers=acc.headers).status_code == 401
    # a new login gives a working token again
    r = client.post("/api/auth/login", json={"email": acc.email, "password": acc.password})
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"}).status_code == 200


def test_session_cookie_is_accepted(client):
    acc = Account(client)
    client.cookies.set("taskora_session", acc.token)
    try:
        r = client.get("/api/auth/me")
        assert r.status_code == 200 and r.json()["id"] == acc.id
    finally:
        client.cookies.clear()
