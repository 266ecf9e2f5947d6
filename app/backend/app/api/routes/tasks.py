from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, HTTPException, Query, Response, status

from app import crud
from app.api.deps import DbDep, PathUser
from app.models import TaskCreate, TaskOut, TaskUpdate

router = APIRouter(prefix="/api/{user_id}/tasks", tags=["tasks"])


def _task_or_404(db, user_id: str, task_id: int):
    task = crud.get_task(db, user_id, task_id)
    if task is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"task {task_id} not found")
    return task


@router.get("", response_model=list[TaskOut])
def list_tasks(user: PathUser, db: DbDep,
               status_: Literal["all", "pending", "completed"] = Query("all", alias="status")):
    return crud.list_tasks(db, user.id, status_)


@router.post("", response_model=TaskOut, status_code=status.HTTP_201_CREATED)
def create_task(body: TaskCreate, user: PathUser, db: DbDep):
    return crud.create_task(db, user.id, body)


@router.get("/{task_id}", response_model=TaskOut)
def get_task(task_id: int, user: PathUser, db: DbDep):
    return _task_or_404(db, user.id, task_id)


@router.put("/{task_id}", response_model=TaskOut)
def update_task(task_id: int, body: TaskUpdate, user: PathUser, db: DbDep):
    return crud.update_task(db, _task_or_404(db, user.id, task_id), body)


@router.delete("/{task_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_task(task_id: int, user: PathUser, db: DbDep) -> Response:
    crud.delete_task(db, _task_or_404(db, user.id, task_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.patch("/{task_id}/complete", response_model=TaskOut)
def toggle_complete(task_id: int, user: PathUser, db: DbDep):
    return crud.toggle_task(db, _task_or_404(db, user.id, task_id))
