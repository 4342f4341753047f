# Replay: recorded sessions in compact columns, what-if re-evaluation against
# another policy, PII surrogates for recorded requests, JSON-lines import.
target_sources(osh_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/replaysession.cpp ${CMAKE_CURRENT_LIST_DIR}/replaysession.h
    ${CMAKE_CURRENT_LIST_DIR}/piisurrogate.cpp ${CMAKE_CURRENT_LIST_DIR}/piisurrogate.h
    ${CMAKE_CURRENT_LIST_DIR}/whatif.cpp ${CMAKE_CURRENT_LIST_DIR}/whatif.h
    ${CMAKE_CURRENT_LIST_DIR}/sessionimporter.cpp ${CMAKE_CURRENT_LIST_DIR}/sessionimporter.h
)
