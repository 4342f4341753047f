# The audit store (SQLite, raw C API, or PostgreSQL through libpq for a
# store shared by several hosts), its JSON and OCSF renderings.
target_sources(osh_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/auditevent.h
    ${CMAKE_CURRENT_LIST_DIR}/auditquery.cpp ${CMAKE_CURRENT_LIST_DIR}/auditquery.h
    ${CMAKE_CURRENT_LIST_DIR}/approval.cpp ${CMAKE_CURRENT_LIST_DIR}/approval.h
    ${CMAKE_CURRENT_LIST_DIR}/sqlitedb.cpp ${CMAKE_CURRENT_LIST_DIR}/sqlitedb.h
    ${CMAKE_CURRENT_LIST_DIR}/sqlitestmt.cpp ${CMAKE_CURRENT_LIST_DIR}/sqlitestmt.h
    ${CMAKE_CURRENT_LIST_DIR}/pgdb.cpp ${CMAKE_CURRENT_LIST_DIR}/pgdb.h
    ${CMAKE_CURRENT_LIST_DIR}/pgschema.cpp ${CMAKE_CURRENT_LIST_DIR}/pgschema.h
    ${CMAKE_CURRENT_LIST_DIR}/pgwriter.cpp ${CMAKE_CURRENT_LIST_DIR}/pgwriter.h
    ${CMAKE_CURRENT_LIST_DIR}/pgreader.cpp ${CMAKE_CURRENT_LIST_DIR}/pgreader.h
    ${CMAKE_CURRENT_LIST_DIR}/auditschema.cpp ${CMAKE_CURRENT_LIST_DIR}/auditschema.h
    ${CMAKE_CURRENT_LIST_DIR}/auditlimits.cpp ${CMAKE_CURRENT_LIST_DIR}/auditlimits.h
    ${CMAKE_CURRENT_LIST_DIR}/auditwriter.cpp ${CMAKE_CURRENT_LIST_DIR}/auditwriter.h
    ${CMAKE_CURRENT_LIST_DIR}/sqlitewriter.cpp ${CMAKE_CURRENT_LIST_DIR}/sqlitewriter.h
    ${CMAKE_CURRENT_LIST_DIR}/auditchain.cpp ${CMAKE_CURRENT_LIST_DIR}/auditchain.h
    ${CMAKE_CURRENT_LIST_DIR}/auditcheckpoint.cpp ${CMAKE_CURRENT_LIST_DIR}/auditcheckpoint.h
    ${CMAKE_CURRENT_LIST_DIR}/auditcopy.cpp ${CMAKE_CURRENT_LIST_DIR}/auditcopy.h
    ${CMAKE_CURRENT_LIST_DIR}/auditreader.cpp ${CMAKE_CURRENT_LIST_DIR}/auditreader.h
    ${CMAKE_CURRENT_LIST_DIR}/auditstore.cpp ${CMAKE_CURRENT_LIST_DIR}/auditstore.h
    ${CMAKE_CURRENT_LIST_DIR}/auditstorereads.cpp
    ${CMAKE_CURRENT_LIST_DIR}/audittime.cpp ${CMAKE_CURRENT_LIST_DIR}/audittime.h
    ${CMAKE_CURRENT_LIST_DIR}/auditjson.cpp ${CMAKE_CURRENT_LIST_DIR}/auditjson.h
    ${CMAKE_CURRENT_LIST_DIR}/ocsf.cpp ${CMAKE_CURRENT_LIST_DIR}/ocsf.h
)
