from __future__ import annotations


def test_crud_cycle(client, alice):
    h = alice.headers
    assert client.get(alice.url("/tasks"), headers=h).json() == []
    r = client.post(alice.url("/tasks"), headers=h, json={"title": "  Buy milk ", "description": "2 litres"})
    assert r.status_code == 201
    t = r.json()
    assert set(t) == {"id", "title", "description", "completed", "created_at", "updated_at"}
    assert t["title"] == "Buy milk" and t["description"] == "2 litres" and t["completed"] is False
    tid = t["id"]
    assert isinstance(tid, int)
    assert client.get(alice.url(f"/tasks/{tid}"), headers=h).json()["title"] == "Buy milk"

    r = client.put(alice.url(f"/tasks/{tid}"), headers=h, json={"title": "Buy oat milk"})
    assert r.status_code == 200 and r.json()["title"] == "Buy oat milk" and r.json()["description"] == "2 litres"
    assert r.json()["updated_at"] >= t["updated_at"]

    r = client.patch(alice.url(f"/tasks/{tid}/complete"), headers=h)
    assert r.status_code == 200 and r.json()["completed"] is True
    r = client.patch(alice.url(f"/tasks/{tid}/complete"), headers=h)
    assert r.json()["completed"] is False  # toggles

    assert client.delete(alice.url(f"/tasks/{tid}"), headers=h).status_code == 204
    assert client.get(alice.url(f"/tasks/{tid}"), headers=h).status_code == 404
    assert client.delete(alice.url(f"/tasks/{tid}"), headers=h).status_code == 404


def test_status_filter(client, alice):
    h = alice.headers
    ids = [client.post(alice.url("/tasks"), headers=h, json={"title": f"t{i}"}).json()["id"] for i in range(3)]
    client.patch(alice.url(f"/tasks/{ids[1]}/complete"), headers=h)
    get = lambda s: [t["id"] for t in client.get(alice.url(f"/tasks?status={s}"), headers=h).json()]
    assert get("all") == ids
    assert get("pending") == [ids[0], ids[2]]
    assert get("completed") == [ids[1]]
    assert client.get(alice.url("/tasks?status=bogus"), headers=h).status_code == 422


def test_validation(client, alice):
    h = alice.headers
    assert client.post(alice.url("/tasks"), headers=h, json={"title": "   "}).status_code == 422
    assert client.post(alice.url("/tasks"), headers=h, json={}).status_code == 422
    assert client.post(alice.url("/tasks"), headers=h, json={"title": "x" * 201}).status_code == 422
    assert client.get(alice.url("/tasks/abc"), headers=h).status_code == 422


def test_unauthenticated_is_401(client, alice):
    assert client.get(alice.url("/tasks")).status_code == 401
    assert client.post(alice.url("/tasks"), json={"title": "x"}).status_code == 401


def test_cross_user_by_path_is_403(client, alice, bob):
    bt = client.post(bob.url("/tasks"), headers=bob.headers, json={"title": "Bob's secret"}).json()
    h = alice.headers  # Alice's token on Bob's paths
    assert client.get(bob.url("/tasks"), headers=h).status_code == 403
    assert client.post(bob.url("/tasks"), headers=h, json={"title": "planted"}).status_code == 403
    assert client.get(bob.url(f"/tasks/{bt['id']}"), headers=h).status_code == 403
    assert client.put(bob.url(f"/tasks/{bt['id']}"), headers=h, json={"title": "hacked"}).status_code == 403
    assert client.patch(bob.url(f"/tasks/{bt['id']}/complete"), headers=h).status_code == 403
    assert client.delete(bob.url(f"/tasks/{bt['id']}"), headers=h).status_code == 403
    assert client.get(bob.url("/conversations"), headers=h).status_code == 403
    # Bob's task id on Alice's own path: not hers, so not found
    assert client.get(alice.url(f"/tasks/{bt['id']}"), headers=h).status_code == 404
    assert client.put(alice.url(f"/tasks/{bt['id']}"), headers=h, json={"title": "hacked"}).status_code == 404
    assert client.delete(alice.url(f"/tasks/{bt['id']}"), headers=h).status_code == 404
    assert client.patch(alice.url(f"/tasks/{bt['id']}/complete"), headers=h).status_code == 404
    after = client.get(bob.url("/tasks"), headers=bob.headers).json()
    assert after == [bt]


def test_cross_user_by_body_is_ignored(client, alice, bob):
    r = client.post(alice.url("/tasks"), headers=alice.headers,
                    json={"title": "mine", "user_id": bob.id, "id": 1})
    assert r.status_code == 201
    assert [t["title"] for t in client.get(alice.url("/tasks"), headers=alice.headers).json()] == ["mine"]
    assert client.get(bob.url("/tasks"), headers=bob.headers).json() == []
    r = client.put(alice.url(f"/tasks/{r.json()['id']}"), headers=alice.headers,
                   json={"title": "still mine", "user_id": bob.id})
    assert r.status_code == 200
    assert client.get(bob.url("/tasks"), headers=bob.headers).json() == []
